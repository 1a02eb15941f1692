import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { freePort } from '@outreach/devstack';
import { maintenanceQueue, type HeartbeatResult } from '@outreach/jobs';
import { getHealth, silentLog, testServiceEnv } from '@outreach/testing/http';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@outreach/testing';
import { Queue, QueueEvents } from 'bullmq';
import type { Environment } from '@outreach/service-kit/config';
import { HealthHttpServer } from '../src/health/health-http.server.js';
import { redisConnectionOptions } from '../src/jobs/redis-connection.js';
import { createWorker } from '../src/worker.factory.js';

describe('worker (e2e)', () => {
  let database: TestDatabase;
  const open: INestApplicationContext[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((app) => app.close()));
  });

  async function boot(overrides: Environment = {}): Promise<string> {
    const env = testServiceEnv(database.url, { PORT: String(await freePort()), ...overrides });
    const { app } = await createWorker(env, { logDestination: silentLog });
    open.push(app);
    return app.get(HealthHttpServer).url;
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

    beforeAll(async () => {
      queue = new Queue(maintenanceQueue.name, { connection: connection(), prefix: 'outreach' });
      events = new QueueEvents(maintenanceQueue.name, {
        connection: connection(),
        prefix: 'outreach',
      });
      await events.waitUntilReady();
    });

    afterAll(async () => {
      await events.close();
      await queue.close();
    });

    it('runs a heartbeat inside the job organisation’s tenant transaction', async () => {
      await boot();
      const organisationId = randomUUID();
      const job = await queue.add('heartbeat', {
        organisationId,
        requestedAt: new Date().toISOString(),
      });
      const result = (await job.waitUntilFinished(events, 15_000)) as HeartbeatResult;
      expect(result.organisationId).toBe(organisationId);
      expect(result.databaseOrganisationId).toBe(organisationId);
      expect(Number.isNaN(Date.parse(result.databaseTime))).toBe(false);
    });

    it('fails a job without an organisation at once, without retries', async () => {
      await boot();
      const job = await queue.add(
        'heartbeat',
        { requestedAt: new Date().toISOString() },
        { attempts: 3 },
      );
      await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(
        /invalid outreach\.maintenance\/heartbeat payload: organisationId/,
      );
      const failed = await queue.getJob(job.id ?? '');
      expect(failed?.attemptsMade).toBe(1);
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
