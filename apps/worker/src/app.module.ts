import { Module, type DynamicModule } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceConfigModule } from '@outreach/service-kit/config';
import { ServiceHealthModule } from '@outreach/service-kit/health';
import { DatabaseModule, databaseOptionsFor } from '@outreach/tenancy';
import type { WorkerConfig } from './config/worker-config.schema.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { HealthHttpServer } from './health/health-http.server.js';
import { ImportsModule } from './imports/imports.module.js';
import { InboundModule } from './inbound/inbound.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';

/** Root module of the worker: one module per queue (its WorkerHost), config, database, health. */
@Module({
  imports: [MaintenanceModule, ImportsModule, DeliveryModule, InboundModule],
})
export class AppModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        ServiceHealthModule.forRoot({ service: 'worker', http: false }),
        DatabaseModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (workerConfig: WorkerConfig) =>
            databaseOptionsFor(workerConfig, 'outreach-worker'),
        }),
        JobsModule.forRoot(config),
      ],
      providers: [HealthHttpServer],
    };
  }
}
