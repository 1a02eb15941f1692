import { BullModule } from '@nestjs/bullmq';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  ALL_QUEUES,
  JobProducer,
  QUEUE_PREFIX,
  queueConnection,
  type QueueConnection,
} from '@outreach/jobs';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { JobCoverageCheck, SERVED_QUEUES } from './job-coverage.check.js';

const QUEUE_CONNECTION = Symbol.for('outreach.worker.queueConnection');

/**
 * BullMQ on REDIS_URL or REDIS_CLUSTER_NODES (prefix `{outreach}`, one cluster slot), the
 * start-up check that every job of every queue has a handler, and the JobProducer (global, so
 * schedulers can inject it to enqueue follow-up jobs), closed on shutdown after the workers have
 * stopped taking jobs; then the shared cluster client, if any.
 */
@Module({})
export class JobsModule implements OnApplicationShutdown {
  constructor(
    @Inject(JobProducer) private readonly producer: JobProducer,
    @Inject(QUEUE_CONNECTION) private readonly queues: QueueConnection,
  ) {}

  static forRoot(config: WorkerConfig): DynamicModule {
    const queues = queueConnection(config.redis);
    return {
      module: JobsModule,
      global: true,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({
          connection: queues.connection,
          prefix: QUEUE_PREFIX,
        }),
        // Registering the queues also brings in the explorer that starts each WorkerHost.
        BullModule.registerQueue(...ALL_QUEUES.map((queue) => ({ name: queue.name }))),
      ],
      providers: [
        JobCoverageCheck,
        { provide: SERVED_QUEUES, useValue: ALL_QUEUES },
        { provide: QUEUE_CONNECTION, useValue: queues },
        {
          provide: JobProducer,
          useFactory: (): JobProducer => JobProducer.forTarget(config.redis),
        },
      ],
      exports: [JobProducer],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
    await this.queues.close();
  }
}
