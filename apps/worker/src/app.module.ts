import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceConfigModule } from '@outreach/service-kit/config';
import { ServiceHealthModule } from '@outreach/service-kit/health';
import type { WorkerConfig } from './config/worker-config.schema.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthHttpServer } from './health/health-http.server.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';

/** Root module of the worker: one module per queue (its WorkerHost), config, database, health. */
@Module({
  imports: [DatabaseModule, MaintenanceModule],
})
export class AppModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        ServiceHealthModule.forRoot({ service: 'worker', http: false }),
        JobsModule.forRoot(config),
      ],
      providers: [HealthHttpServer],
    };
  }
}
