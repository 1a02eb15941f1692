import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { JobProducer } from '@outreach/jobs';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { ApiConfig } from '../config/api-config.schema.js';

/**
 * The api's JobProducer (`@outreach/jobs`) on REDIS_URL or REDIS_CLUSTER_NODES, global so that any service can inject
 * it and `enqueue(queue, job, payload, { jobId })`; closed on shutdown. Needs the global
 * SERVICE_CONFIG (ServiceConfigModule.forRoot). It connects to Redis on the first enqueue.
 */
@Global()
@Module({
  providers: [
    {
      provide: JobProducer,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ApiConfig): JobProducer => JobProducer.forTarget(config.redis),
    },
  ],
  exports: [JobProducer],
})
export class JobsModule implements OnApplicationShutdown {
  constructor(@Inject(JobProducer) private readonly producer: JobProducer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}
