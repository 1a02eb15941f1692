import { BullModule } from '@nestjs/bullmq';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ALL_QUEUES, JobProducer, QUEUE_PREFIX, redisConnectionOptions } from '@outreach/jobs';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { JobCoverageCheck, SERVED_QUEUES } from './job-coverage.check.js';

/**
 * BullMQ on REDIS_URL (prefix `outreach`), the start-up check that every job of every queue
 * has a handler, and the JobProducer (global, so schedulers can inject it to enqueue follow-up
 * jobs), closed on shutdown after the workers have stopped taking jobs.
 */
@Module({})
export class JobsModule implements OnApplicationShutdown {
  constructor(@Inject(JobProducer) private readonly producer: JobProducer) {}

  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({
          connection: redisConnectionOptions(config.redisUrl),
          prefix: QUEUE_PREFIX,
        }),
        // Registering the queues also brings in the explorer that starts each WorkerHost.
        BullModule.registerQueue(...ALL_QUEUES.map((queue) => ({ name: queue.name }))),
      ],
      providers: [
        JobCoverageCheck,
        { provide: SERVED_QUEUES, useValue: ALL_QUEUES },
        {
          provide: JobProducer,
          useFactory: (): JobProducer =>
            new JobProducer({ connection: redisConnectionOptions(config.redisUrl) }),
        },
      ],
      exports: [JobProducer],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}
