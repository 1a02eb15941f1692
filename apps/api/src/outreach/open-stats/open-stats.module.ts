import { Module } from '@nestjs/common';
import { OpenStatsController } from './open-stats.controller.js';
import { OpenStatsService } from './open-stats.service.js';

@Module({
  controllers: [OpenStatsController],
  providers: [OpenStatsService],
})
export class OpenStatsModule {}
