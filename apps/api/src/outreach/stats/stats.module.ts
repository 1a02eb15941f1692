import { Module } from '@nestjs/common';
import { MailboxStatsController } from './mailbox-stats.controller.js';
import { StatsController } from './stats.controller.js';
import { StatsService } from './stats.service.js';

@Module({
  controllers: [StatsController, MailboxStatsController],
  providers: [StatsService],
})
export class StatsModule {}
