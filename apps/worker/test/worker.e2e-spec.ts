import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { freePort } from '@outreach/devstack';
import {
  JobProducer,
  maintenanceQueue,
  QUEUE_PREFIX,
  redisConnectionOptions,
  type HeartbeatResult,
  type SystemHeartbeatResult,
} from '@outreach/jobs';
import { getHealth, silentLog, testServiceEnv } from '@outreach/testing/http';
import { createDataSource } from '@outreach/db';
import { seedOrganisation } from '@outreach/db/testing';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@outreach/testing';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Environment } from '@outreach/service-kit/config';
import { HealthHttpServer } from '../src/health/health-http.server.js';
import { createWorker } from '../src/worker.factory.js';

describe('worker (e2e)', () => {
  let database: TestDatabase;
  /** An organisation that exists: tenant jobs for any other id fail at once. */
  let organisationId = '';
  const open: INestApplicationContext[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const seeding = createDataSource({ url: database.appUrl, applicationName: 'seed' });
    await seeding.initialize();
    organisationId = (await seedOrganisation(seeding)).organisationId;
    await seeding.destroy();
  });

  afterAll(async () => {
    await database.drop();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((app) => app.close()));
  });

  async function start(overrides: Environment = {}): Promise<INestApplicationContext> {
    const env = testServiceEnv(database.appUrl, { PORT: String(await freePort()), ...overrides });
    const { app } = await createWorker(env, { logDestination: silentLog });
    open.push(app);
    return app;
  }

  async function boot(overrides: Environment = {}): Promise<string> {
    return (await start(overrides)).get(HealthHttpServer).url;
  }

  it('answers ready on its health port with PostgreSQL and Redis up', async () => {
    const url = await boot();
    const { status, body } = await getHealth(`${url}/health/ready`);
    expect(status).toBe(200);
    expect(body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    expect((await getHealth(`${url}/health/live`)).status).toBe(200);
  });

  describe('outreach.maintenance', () => {
    const connection = (): ReturnType<typeof redisConnectionOptions> =>
      redisConnectionOptions(testRedisUrl());
    let queue: Queue;
    let events: QueueEvents;

    let producer: JobProducer;

    beforeAll(async () => {
      producer = new JobProducer({ connection: connection() });
      queue = new Queue(maintenanceQueue.name, { connection: connection(), prefix: QUEUE_PREFIX });
      events = new QueueEvents(maintenanceQueue.name, {
        connection: connection(),
        prefix: QUEUE_PREFIX,
      });
      await events.waitUntilReady();
    });

    afterAll(async () => {
      await producer.close();
      await events.close();
      await queue.close();
    });

    async function finished<T>(jobId: string): Promise<T> {
      const job = await queue.getJob(jobId);
      if (!job) throw new Error(`job ${jobId} was not enqueued`);
      return (await job.waitUntilFinished(events, 15_000)) as T;
    }

    async function failedAtOnce(data: unknown): Promise<Job> {
      // Straight to Redis with retries allowed: an old or foreign producer, past the contract.
      const job = await queue.add('heartbeat', data, { jobId: randomUUID(), attempts: 3 });
      await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow();
      const failed = await queue.getJob(job.id ?? '');
      if (!failed) throw new Error('the failed job is gone');
      expect(failed.attemptsMade).toBe(1);
      return failed;
    }

    it('runs a heartbeat from the producer inside the job organisation’s tenant transaction', async () => {
      await boot();
      const { jobId } = await producer.enqueue(
        maintenanceQueue,
        'heartbeat',
        { organisationId, requestedAt: new Date().toISOString() },
        { jobId: randomUUID() },
      );
      const result = await finished<HeartbeatResult>(jobId);
      expect(result.organisationId).toBe(organisationId);
      expect(result.databaseOrganisationId).toBe(organisationId);
      expect(Number.isNaN(Date.parse(result.databaseTime))).toBe(false);
    });

    it('fails a heartbeat for an organisation that does not exist at once', async () => {
      await boot();
      const forged = randomUUID();
      const job = await failedAtOnce({
        organisationId: forged,
        requestedAt: new Date().toISOString(),
      });
      expect(job.failedReason).toBe(`job payload organisationId ${forged} names no organisation`);
    });

    it('runs a system heartbeat enqueued by its own producer, with no tenant', async () => {
      const app = await start();
      const requestedAt = new Date().toISOString();
      const { jobId } = await app
        .get(JobProducer)
        .enqueue(maintenanceQueue, 'system-heartbeat', { requestedAt }, { jobId: randomUUID() });
      const result = await finished<SystemHeartbeatResult>(jobId);
      expect(result).toMatchObject({ requestedAt, worker: { pid: process.pid } });
      expect(Date.parse(result.handledAt)).toBeGreaterThanOrEqual(Date.parse(requestedAt));
    });

    it('fails a job without an organisation at once, without retries', async () => {
      await boot();
      const failed = await failedAtOnce({ requestedAt: new Date().toISOString() });
      expect(failed.failedReason).toBe(
        'invalid outreach.maintenance/heartbeat payload: organisationId: Invalid input: expected string, received undefined',
      );
    });

    it('fails a job with a malformed organisation id at once, without retries', async () => {
      await boot();
      const failed = await failedAtOnce({
        organisationId: 'acme',
        requestedAt: new Date().toISOString(),
      });
      expect(failed.failedReason).toBe(
        'invalid outreach.maintenance/heartbeat payload: organisationId: Invalid UUID',
      );
    });
  });

  it('answers 503 naming Redis when Redis does not answer', async () => {
    const url = await boot({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const { status, body } = await getHealth(`${url}/health/ready`);
    expect(status).toBe(503);
    expect(body.details.redis?.status).toBe('down');
    expect(body.details.database?.status).toBe('up');
  });

  it('refuses to start with a bad environment, naming each variable', async () => {
    await expect(
      createWorker({ DATABASE_URL: database.url, PORT: 'x' }, { logDestination: silentLog }),
    ).rejects.toThrow(
      'Invalid configuration: PORT: expected a number between 1 and 65535; REDIS_URL: required',
    );
  });
});
