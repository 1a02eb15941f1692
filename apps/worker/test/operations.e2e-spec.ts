import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { createDataSource } from '@outreach/db';
import { freePort, RedisServer, SmtpSink } from '@outreach/devstack';
import { ALL_QUEUES, maintenanceQueue, QUEUE_PREFIX, redisConnectionOptions } from '@outreach/jobs';
import type { Environment } from '@outreach/service-kit/config';
import { silentLog, testServiceEnv } from '@outreach/testing/http';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { HealthHttpServer } from '../src/health/health-http.server.js';
import { createWorker } from '../src/worker.factory.js';
import { WorkerProcess } from './delivery/worker-process.js';
import { enrollProspects, eventually, seedCampaign, select } from './delivery/engine-fixture.js';

const LOGIN = { username: 'ops', password: 'a-long-board-password' };

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** One sample's value from a Prometheus text exposition, or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * The worker's operations surface on its HTTP port, in process against PostgreSQL 18, its own
 * Redis and a real SMTP server: `/metrics` (engine counters that move with real sends, queue
 * depth read from Redis, process metrics) and Bull Board behind HTTP Basic auth.
 */
describe('worker operations: /metrics and Bull Board (e2e)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let redis: RedisServer;
  let sink: SmtpSink;
  const open: INestApplicationContext[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'operations-test' });
    await dataSource.initialize();
    redis = new RedisServer({ port: await freePort() });
    await redis.start();
    sink = await SmtpSink.start({ auth: { username: 'sink-user', password: 'sink-password' } });
  });

  afterAll(async () => {
    await sink.stop();
    await redis.stop();
    await dataSource.destroy();
    await database.drop();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((app) => app.close()));
  });

  async function boot(overrides: Environment = {}): Promise<string> {
    const env = testServiceEnv(database.appUrl, {
      PORT: String(await freePort()),
      REDIS_URL: redis.url,
      CLAIM_EVERY_MS: '200',
      ...overrides,
    });
    const { app } = await createWorker(env, { logDestination: silentLog });
    open.push(app);
    return app.get(HealthHttpServer).url;
  }

  const scrape = async (url: string): Promise<string> => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  describe('/metrics', () => {
    it('serves the engine, queue depth, scheduler and process metrics', async () => {
      const url = await boot();
      const text = await eventually(
        async () => {
          const body = await scrape(url);
          // The scheduler has run at least once: its timestamp is set.
          return (sample(body, 'outreach_scheduler_last_claim_timestamp_seconds') ?? 0) > 0
            ? body
            : undefined;
        },
        10_000,
        'a claim run on /metrics',
      );
      for (const name of [
        'outreach_sends_total',
        'outreach_send_failures_total',
        'outreach_send_jobs_total',
        'outreach_tasks_claimed_total',
        'outreach_claim_to_send_seconds',
        'outreach_scheduler_last_claim_timestamp_seconds',
        'outreach_queue_jobs',
        'process_cpu_user_seconds_total',
        'nodejs_eventloop_lag_seconds',
      ]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
      const lastClaim = sample(text, 'outreach_scheduler_last_claim_timestamp_seconds') ?? 0;
      expect(Math.abs(lastClaim - Date.now() / 1_000)).toBeLessThan(30);
      for (const queue of ALL_QUEUES) {
        for (const state of ['waiting', 'active', 'delayed', 'failed']) {
          expect(
            sample(text, 'outreach_queue_jobs', `{queue="${queue.name}",state="${state}"}`),
          ).toBeGreaterThanOrEqual(0);
        }
      }
    });

    it('reads queue depth from Redis at scrape time', async () => {
      const url = await boot();
      const labels = `{queue="${maintenanceQueue.name}",state="delayed"}`;
      const before = sample(await scrape(url), 'outreach_queue_jobs', labels) ?? -1;
      const queue = new Queue(maintenanceQueue.name, {
        connection: redisConnectionOptions(redis.url),
        prefix: QUEUE_PREFIX,
      });
      const job = await queue.add(
        'heartbeat',
        { organisationId: randomUUID(), requestedAt: new Date().toISOString() },
        { jobId: randomUUID(), delay: 3_600_000 },
      );
      try {
        expect(sample(await scrape(url), 'outreach_queue_jobs', labels)).toBe(before + 1);
      } finally {
        await job.remove();
        await queue.close();
      }
      expect(sample(await scrape(url), 'outreach_queue_jobs', labels)).toBe(before);
    });

    it('counts real sends: sends and sent outcomes move by the number of e-mails', async () => {
      const url = await boot();
      const before = await scrape(url);
      const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
      await enrollProspects(dataSource, fixture, 3);
      await eventually(
        async () => {
          const rows = await select<{ n: number }>(
            dataSource,
            fixture.organisationId,
            `SELECT count(*)::int AS n FROM outreach.messages WHERE status = 'sent'`,
          );
          return rows[0]?.n === 3 ? true : undefined;
        },
        20_000,
        'three sent messages',
      );
      const after = await eventually(
        async () => {
          const body = await scrape(url);
          const sent = sample(body, 'outreach_send_jobs_total', '{outcome="sent"}') ?? 0;
          const sentBefore = sample(before, 'outreach_send_jobs_total', '{outcome="sent"}') ?? 0;
          return sent - sentBefore >= 3 ? body : undefined;
        },
        10_000,
        'three sent send-step outcomes',
      );
      const delta = (name: string, labels = ''): number =>
        (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
      expect(delta('outreach_sends_total')).toBe(3);
      expect(delta('outreach_send_jobs_total', '{outcome="sent"}')).toBe(3);
      expect(delta('outreach_tasks_claimed_total')).toBeGreaterThanOrEqual(3);
      expect(delta('outreach_claim_to_send_seconds_count')).toBeGreaterThanOrEqual(3);
    });
  });

  describe('Bull Board (the built worker process)', () => {
    let worker: WorkerProcess | undefined;

    afterEach(async () => {
      await worker?.kill('SIGTERM');
      worker = undefined;
    });

    const startWithBoard = async (): Promise<WorkerProcess> => {
      worker = await WorkerProcess.start({
        DATABASE_URL: database.appUrl,
        REDIS_URL: redis.url,
        BULL_BOARD_USERNAME: LOGIN.username,
        BULL_BOARD_PASSWORD: LOGIN.password,
      });
      return worker;
    };

    it('answers 401 with a Basic challenge without the login, or with a wrong one', async () => {
      const { url } = await startWithBoard();
      for (const path of ['/queues', '/queues/api/queues']) {
        const anonymous = await fetch(`${url}${path}`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        const wrongPassword = await fetch(`${url}${path}`, {
          headers: { authorization: basic(LOGIN.username, `${LOGIN.password}x`) },
        });
        expect(wrongPassword.status).toBe(401);
        const wrongUser = await fetch(`${url}${path}`, {
          headers: { authorization: basic('root', LOGIN.password) },
        });
        expect(wrongUser.status).toBe(401);
      }
      // Health and metrics stay open to the orchestrator and Prometheus.
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    });

    it('serves the board and every queue of ALL_QUEUES with the login', async () => {
      const { url } = await startWithBoard();
      const headers = { authorization: basic(LOGIN.username, LOGIN.password) };
      const page = await fetch(`${url}/queues`, { headers });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const api = await fetch(`${url}/queues/api/queues`, { headers });
      expect(api.status).toBe(200);
      const body = (await api.json()) as { queues: Array<{ name: string }> };
      expect(body.queues.map((queue) => queue.name).sort()).toEqual(
        ALL_QUEUES.map((queue) => queue.name).sort(),
      );
    });

    it('is not mounted without BULL_BOARD_USERNAME / BULL_BOARD_PASSWORD', async () => {
      const url = await boot();
      expect((await fetch(`${url}/queues`)).status).toBe(404);
    });

    it('refuses to start with only one of the two variables', async () => {
      await expect(boot({ BULL_BOARD_USERNAME: LOGIN.username })).rejects.toThrow(
        /BULL_BOARD_PASSWORD/,
      );
    });
  });
});
