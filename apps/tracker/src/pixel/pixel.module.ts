import { Module } from '@nestjs/common';
import { PixelController } from './pixel.controller.js';

/** `GET /p/<token>.gif`; the OpenRecorder comes from the global OpensModule. */
@Module({
  controllers: [PixelController],
})
export class PixelModule {}
