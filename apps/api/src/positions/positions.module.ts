import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { PositionsController } from './positions.controller.js';
import { PositionsService } from './positions.service.js';

@Module({
  imports: [DatabaseModule],
  controllers: [PositionsController],
  providers: [PositionsService],
})
export class PositionsModule {}
