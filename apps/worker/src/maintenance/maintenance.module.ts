import { Module } from '@nestjs/common';
import { ExperimentEvaluationService } from './experiment-evaluation.service.js';
import { MaintenanceProcessor } from './maintenance.processor.js';

@Module({ providers: [MaintenanceProcessor, ExperimentEvaluationService] })
export class MaintenanceModule {}
