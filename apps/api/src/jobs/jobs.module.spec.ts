import { Test } from '@nestjs/testing';
import { InvalidJobPayloadError, JobProducer, maintenanceQueue } from '@outreach/jobs';
import { parseConfig, ServiceConfigModule } from '@outreach/service-kit/config';
import { apiConfigSchema } from '../config/api-config.schema.js';
import { JobsModule } from './jobs.module.js';

describe('JobsModule (api)', () => {
  it('provides the JobProducer from the config, refusing bad payloads, closed on shutdown', async () => {
    // No Redis needed: the producer connects on the first valid enqueue only.
    const config = parseConfig(apiConfigSchema, {
      DATABASE_URL: 'postgres://outreach@127.0.0.1:1/outreach',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ServiceConfigModule.forRoot(config), JobsModule],
    }).compile();
    await moduleRef.init();
    const producer = moduleRef.get(JobProducer);
    await expect(
      producer.enqueue(maintenanceQueue, 'heartbeat', { requestedAt: 'now' } as never, {
        jobId: 'a',
      }),
    ).rejects.toThrow(InvalidJobPayloadError);
    await moduleRef.close();
    await expect(
      producer.enqueue(
        maintenanceQueue,
        'system-heartbeat',
        { requestedAt: new Date().toISOString() },
        { jobId: 'b' },
      ),
    ).rejects.toThrow('job producer is closed');
  });
});
