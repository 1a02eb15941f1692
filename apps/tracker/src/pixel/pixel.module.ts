import { Module } from '@nestjs/common';
import { DeferredOpenRecorder } from './deferred-open.recorder.js';
import { OpenRecorder } from './open-recorder.js';
import { PixelController } from './pixel.controller.js';

@Module({
  controllers: [PixelController],
  providers: [{ provide: OpenRecorder, useClass: DeferredOpenRecorder }],
})
export class PixelModule {}
