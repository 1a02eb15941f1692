import { randomUUID } from 'node:crypto';
import {
  DEFAULT_JOB_OPTIONS,
  InvalidJobPayloadError,
  JobProducer,
  maintenanceQueue,
  redisConnectionOptions,
} from '@outreach/jobs';
import { testRedisUrl } from '@outreach/testing';
import { Queue } from 'bullmq';

/**
 * The producer against a real Redis, under a prefix of its own so that no worker consumes
 * what it adds: what is counted is exactly what the producer enqueued.
 */
describe('JobProducer (real Redis)', () => {
  const prefix = `producer-test-${randomUUID()}`;
  const connection = (): ReturnType<typeof redisConnectionOptions> =>
    redisConnectionOptions(testRedisUrl());
  const requestedAt = new Date().toISOString();
  let producer: JobProducer;
  let queue: Queue;

  beforeAll(() => {
    producer = new JobProducer({ connection: connection(), prefix });
    queue = new Queue(maintenanceQueue.name, { connection: connection(), prefix });
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
  });

  afterAll(async () => {
    await producer.close();
    await queue.close();
  });

  const total = async (): Promise<number> =>
    Object.values(await queue.getJobCounts()).reduce((sum, count) => sum + count, 0);

  it('adds a valid job with the default options', async () => {
    const organisationId = randomUUID();
    const jobId = `heartbeat.${organisationId}`;
    await expect(
      producer.enqueue(maintenanceQueue, 'heartbeat', { organisationId, requestedAt }, { jobId }),
    ).resolves.toEqual({ queue: maintenanceQueue.name, name: 'heartbeat', jobId });
    const job = await queue.getJob(jobId);
    expect(job?.data).toEqual({ organisationId, requestedAt });
    expect(job?.opts).toMatchObject({
      attempts: DEFAULT_JOB_OPTIONS.attempts,
      backoff: DEFAULT_JOB_OPTIONS.backoff,
    });
    expect(await total()).toBe(1);
  });

  it('refuses a bad payload before Redis: nothing is enqueued', async () => {
    const refused = [
      { requestedAt },
      { organisationId: 'acme', requestedAt },
      { organisationId: randomUUID(), requestedAt: 'yesterday' },
    ];
    for (const payload of refused) {
      await expect(
        producer.enqueue(maintenanceQueue, 'heartbeat', payload as never, { jobId: randomUUID() }),
      ).rejects.toThrow(InvalidJobPayloadError);
    }
    await expect(
      producer.enqueue(
        maintenanceQueue,
        'system-heartbeat',
        { requestedAt, organisationId: randomUUID() } as never,
        { jobId: randomUUID() },
      ),
    ).rejects.toThrow('organisationId: a system job carries no organisation');
    expect(await total()).toBe(0);
  });

  it('adds a job with a fixed jobId once, however often it is enqueued', async () => {
    const jobId = `claim.${randomUUID()}`;
    const first = await producer.enqueue(
      maintenanceQueue,
      'system-heartbeat',
      { requestedAt },
      { jobId, delay: 60_000 },
    );
    const second = await producer.enqueue(
      maintenanceQueue,
      'system-heartbeat',
      { requestedAt: new Date(Date.now() + 1_000).toISOString() },
      { jobId, delay: 60_000 },
    );
    expect(second).toEqual(first);
    expect(await queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 1, waiting: 0 });
    expect((await queue.getJob(jobId))?.data).toEqual({ requestedAt });
  });
});
