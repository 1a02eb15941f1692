import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ALL_QUEUES } from '@outreach/jobs';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { JobCoverageCheck, SERVED_QUEUES } from './job-coverage.check.js';
import { redisConnectionOptions } from './redis-connection.js';

/** BullMQ on REDIS_URL, and the start-up check that every job of every queue has a handler. */
@Module({})
export class JobsModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: JobsModule,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({
          connection: redisConnectionOptions(config.redisUrl),
          prefix: 'outreach',
        }),
        // Registering the queues also brings in the explorer that starts each WorkerHost.
        BullModule.registerQueue(...ALL_QUEUES.map((queue) => ({ name: queue.name }))),
      ],
      providers: [JobCoverageCheck, { provide: SERVED_QUEUES, useValue: ALL_QUEUES }],
    };
  }
}
