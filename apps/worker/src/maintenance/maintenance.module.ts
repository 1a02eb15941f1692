import { Module } from '@nestjs/common';
import { MaintenanceProcessor } from './maintenance.processor.js';

@Module({ providers: [MaintenanceProcessor] })
export class MaintenanceModule {}
