import { Module } from '@nestjs/common';
import { ExperimentEvaluationService } from './experiment-evaluation.service.js';
import { MaintenanceProcessor } from './maintenance.processor.js';
import { StatsRollupService } from './stats-rollup.service.js';

@Module({ providers: [MaintenanceProcessor, ExperimentEvaluationService, StatsRollupService] })
export class MaintenanceModule {}
