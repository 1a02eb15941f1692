import { createServer, type AddressInfo } from 'node:net';
import { DEFAULT_JOB_OPTIONS, JobProducer, JobQueueUnavailableError } from './job-producer.js';
import { maintenanceQueue } from './maintenance.queue.js';
import { InvalidJobPayloadError } from './queue-contract.js';
import { redisConnectionOptions } from './redis-connection.js';
import { isUnrecoverableJobError } from './unrecoverable-job.error.js';

/** A port nobody listens on: the producer must fail without a Redis. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('JobProducer (no Redis)', () => {
  let producer: JobProducer;
  const requestedAt = new Date().toISOString();

  beforeEach(async () => {
    producer = new JobProducer({
      connection: {
        ...redisConnectionOptions(`redis://127.0.0.1:${await closedPort()}`),
        // ioredis waits this long for a socket that never opened before letting go of it.
        disconnectTimeout: 100,
      },
      enqueueTimeoutMs: 300,
    });
  });

  afterEach(async () => {
    await producer.close();
  });

  it('refuses a bad payload before touching Redis, naming the field', async () => {
    const started = Date.now();
    await expect(
      producer.enqueue(maintenanceQueue, 'heartbeat', { requestedAt } as never, { jobId: 'a' }),
    ).rejects.toThrow(
      new InvalidJobPayloadError(
        'invalid outreach.maintenance/heartbeat payload: organisationId: Invalid input: expected string, received undefined',
      ),
    );
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('requires a jobId BullMQ accepts', async () => {
    const enqueue = (jobId: string): Promise<unknown> =>
      producer.enqueue(maintenanceQueue, 'system-heartbeat', { requestedAt }, { jobId });
    await expect(enqueue('')).rejects.toThrow(
      'invalid jobId "" for outreach.maintenance/system-heartbeat: a jobId is required',
    );
    await expect(enqueue('42')).rejects.toThrow('BullMQ refuses integer ids');
    await expect(enqueue('task:1')).rejects.toThrow('BullMQ refuses ids containing ":"');
  });

  it('rejects after its timeout when Redis does not answer, and still closes', async () => {
    await expect(
      producer.enqueue(maintenanceQueue, 'system-heartbeat', { requestedAt }, { jobId: 'x' }),
    ).rejects.toThrow(
      new JobQueueUnavailableError(
        'could not enqueue outreach.maintenance/system-heartbeat x within 300 ms: is Redis reachable?',
      ),
    );
  });

  it('refuses to enqueue once closed', async () => {
    await producer.close();
    await expect(
      producer.enqueue(maintenanceQueue, 'system-heartbeat', { requestedAt }, { jobId: 'y' }),
    ).rejects.toThrow('job producer is closed');
  });

  it('retries with backoff and keeps Redis bounded by default', () => {
    expect(DEFAULT_JOB_OPTIONS).toMatchObject({
      attempts: 5,
      backoff: { type: 'exponential' },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 10_000 },
    });
  });
});

describe('isUnrecoverableJobError', () => {
  it('matches the unrecoverable errors by name, whatever package throws them', () => {
    const unknownOrganisation = Object.assign(new Error('no organisation 0193…'), {
      name: 'UnknownOrganisationError',
    });
    expect(isUnrecoverableJobError(new InvalidJobPayloadError('bad'))).toBe(true);
    expect(isUnrecoverableJobError(unknownOrganisation)).toBe(true);
    expect(isUnrecoverableJobError(new Error('connection reset'))).toBe(false);
    expect(isUnrecoverableJobError('InvalidJobPayloadError')).toBe(false);
  });
});
