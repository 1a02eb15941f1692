import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '@outreach/db';
import { migrateDatabase } from '@outreach/db/migrator';
import { freePort, PostgresServer, RedisServer, SmtpSink } from '@outreach/devstack';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { enrollProspects, eventually, seedCampaign, type EngineFixture } from './engine-fixture.js';
import { countsByRecipient, settled, WorkerProcess, type Outcomes } from './worker-process.js';

/*
 * Never twice, never lost: the worker as real processes (dist/main.js) against PostgreSQL 18,
 * Redis and a real SMTP server, with one of them failing mid-run. Every mail is counted at the
 * SMTP server (by Message-ID and by recipient); every due task must end sent, or failed
 * `uncertain:` when its message may have gone (no IMAP to check here), never sent twice.
 */

const SINK_AUTH = { username: 'sink-user', password: 'sink-password' };

/** The worker's environment of every scenario (short cadence; the lease is per scenario). */
function workerEnv(databaseUrl: string, redisUrl: string, lease: number): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    CLAIM_EVERY_MS: '200',
    CLAIM_BATCH_SIZE: '50',
    CLAIM_LEASE_SECONDS: String(lease),
    DELIVERY_CONCURRENCY: '8',
    SMTP_POOL_CONNECTIONS: '4',
    TRACKER_PUBLIC_URL: 'https://t.example.test',
  };
}

/** 0 duplicates at the sink; every sent message there exactly once, an uncertain one at most once. */
function expectNeverTwice(sink: SmtpSink, result: Outcomes): void {
  expect(sink.duplicates()).toEqual([]);
  expect([...countsByRecipient(sink)].filter(([, count]) => count > 1)).toEqual([]);
  const counts = sink.countsByMessageId();
  expect(result.sent.filter((id) => counts.get(id) !== 1)).toEqual([]);
  expect(result.uncertainIds.filter((id) => (counts.get(id) ?? 0) > 1)).toEqual([]);
  // Nothing reached the sink that the database does not know as sent or uncertain.
  const known = new Set([...result.sent, ...result.uncertainIds]);
  expect(sink.received.filter((mail) => !known.has(mail.messageId ?? ''))).toEqual([]);
}

/** Makes retried tasks due now (the engine's backoff is ≥ 30 s; the test does not wait it). */
async function retryNow(superuserUrl: string, organisationId: string): Promise<number> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const result = await client.query(
      `UPDATE outreach.tasks SET next_attempt_at = now()
        WHERE organisation_id = $1 AND status = 'pending' AND attempts > 0`,
      [organisationId],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** As `settled`, bringing retried tasks forward on every poll. */
function settledRetryingNow(
  superuserUrl: string,
  dataSource: DataSource,
  fixture: EngineFixture,
  total: number,
): Promise<Outcomes> {
  return eventually(
    async () => {
      await retryNow(superuserUrl, fixture.organisationId);
      return settled(dataSource, fixture, total, 1_000).catch(() => undefined);
    },
    90_000,
    `${total} tasks to end sent or uncertain`,
  );
}

describe('sequence engine faults (worker processes, PostgreSQL 18, Redis, SMTP)', () => {
  const workers: WorkerProcess[] = [];
  const sinks: SmtpSink[] = [];
  const redises: RedisServer[] = [];

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.kill('SIGKILL')));
    await Promise.all(sinks.splice(0).map((sink) => sink.stop()));
    await Promise.all(redises.splice(0).map((redis) => redis.stop()));
  });

  async function startRedis(port?: number): Promise<RedisServer> {
    const redis = new RedisServer({ port: port ?? (await freePort()) });
    await redis.start();
    redises.push(redis);
    return redis;
  }

  async function startSink(onMail?: () => void): Promise<SmtpSink> {
    const sink = await SmtpSink.start({ auth: SINK_AUTH, ...(onMail ? { onMail } : {}) });
    sinks.push(sink);
    return sink;
  }

  async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(env);
    workers.push(worker);
    return worker;
  }

  describe('on the test database', () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    beforeAll(async () => {
      database = await createTestDatabase();
      dataSource = createDataSource({ url: database.appUrl, applicationName: 'faults-test' });
      await dataSource.initialize();
    });

    afterAll(async () => {
      await dataSource.destroy();
      await database.drop();
    });

    it('kill -9 of one of two workers mid-batch: the survivor ends every task, none sent twice', async () => {
      const TASKS = 400;
      const doomed: { worker?: WorkerProcess } = {};
      let received = 0;
      // Killed from inside the SMTP server, right after the 100th mail is recorded and before
      // its `250` (if that mail is the victim's, it is delivered and its worker never learns it).
      const sink = await startSink(() => {
        received += 1;
        if (received === 100 && doomed.worker) process.kill(doomed.worker.pid, 'SIGKILL');
      });
      const redis = await startRedis();
      // The lease outlives BullMQ's stalled-job check (about 30-60 s), which gives the dead
      // worker's active jobs back to the survivor; tasks it claimed but had not queued come
      // back when the lease expires.
      const env = workerEnv(database.appUrl, redis.url, 20);
      const victim = await startWorker(env);
      doomed.worker = victim;
      const survivor = await startWorker(env);
      const fixture: EngineFixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
      await enrollProspects(dataSource, fixture, TASKS);

      expect(await victim.exited).toBe('SIGKILL');
      const result = await settled(dataSource, fixture, TASKS, 120_000);
      expect(result.others).toEqual([]);
      expect(result.completed + result.uncertain).toBe(TASKS);
      // What the dead worker left `sending` ends uncertain (without IMAP): how many depends on
      // the instant of the kill (zero when it fell between two sends), so only the sum is fixed.
      expectNeverTwice(sink, result);
      expect(survivor.log).not.toMatch(/"level":(50|60)/);
    }, 180_000);

    it('Redis stopped and restarted empty mid-run: the worker reconnects, re-creates its scheduler and ends every task', async () => {
      const TASKS = 300;
      const sink = await startSink();
      const redis = await startRedis();
      await startWorker(workerEnv(database.appUrl, redis.url, 5));
      const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
      await enrollProspects(dataSource, fixture, TASKS);

      await sink.waitForCount(50, 30_000);
      await redis.stop();
      redises.splice(redises.indexOf(redis), 1);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // A new, empty Redis on the same port: the scheduler and the queued jobs are gone.
      await startRedis(redis.port);

      const result = await settled(dataSource, fixture, TASKS, 90_000);
      expect(result.completed + result.uncertain).toBe(TASKS);
      expectNeverTwice(sink, result);
      // It sent again after the restart, so it reconnected and has a scheduler again.
      expect(result.completed).toBeGreaterThan(50);
    }, 150_000);

    it('an SMTP server that drops connections: dropped before the content is retried, after it ends uncertain, nothing twice', async () => {
      const TASKS = 200;
      const sink = await startSink();
      const redis = await startRedis();
      await startWorker(workerEnv(database.appUrl, redis.url, 10));
      const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
      sink.setBehaviour({ dropOnConnect: 3, dropAfterData: 5 });
      await enrollProspects(dataSource, fixture, TASKS);

      // The dropped sends wait for their retry (backoff ≥ 30 s): brought forward while polling.
      const result = await settledRetryingNow(database.url, dataSource, fixture, TASKS);
      expect(result.completed + result.uncertain).toBe(TASKS);
      // The five mails dropped after DATA reached the server once; their tasks ended uncertain.
      expect(result.uncertain).toBe(5);
      const counts = sink.countsByMessageId();
      expect(result.uncertainIds.map((id) => counts.get(id))).toEqual([1, 1, 1, 1, 1]);
      expect(sink.received).toHaveLength(TASKS);
      expectNeverTwice(sink, result);
    }, 150_000);
  });

  describe('PostgreSQL of its own, stopped and restarted mid-run', () => {
    let root: string;
    let postgres: PostgresServer;
    let dataSource: DataSource;
    const APP_USER = 'outreach_app_user';

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'worker-pg-fault-'));
      chmodSync(root, 0o755); // the server runs as an unprivileged user when we are root
      postgres = new PostgresServer({
        dataDir: join(root, 'pgdata'),
        port: await freePort(),
        settings: { fsync: 'off', synchronous_commit: 'off', max_connections: 100 },
      });
      await postgres.start();
      await postgres.query('CREATE DATABASE outreach');
      await migrateDatabase(postgres.url('outreach'));
      await postgres.query(`CREATE ROLE ${APP_USER} LOGIN PASSWORD '${APP_USER}'`);
      await postgres.query(`GRANT outreach_app TO ${APP_USER}`);
      dataSource = createDataSource({ url: appUrl(), applicationName: 'faults-test' });
      await dataSource.initialize();
    }, 120_000);

    afterAll(async () => {
      await dataSource.destroy();
      if (postgres.running) await postgres.stop();
      rmSync(root, { recursive: true, force: true });
    });

    function appUrl(): string {
      return `postgres://${APP_USER}:${APP_USER}@127.0.0.1:${postgres.port}/outreach`;
    }

    it('ends every task once PostgreSQL is back, none sent twice', async () => {
      const TASKS = 300;
      const sink = await startSink();
      const redis = await startRedis();
      await startWorker(workerEnv(appUrl(), redis.url, 10));
      const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
      await enrollProspects(dataSource, fixture, TASKS);

      await sink.waitForCount(50, 30_000);
      await postgres.stop();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await postgres.start();

      const result = await settledRetryingNow(postgres.url('outreach'), dataSource, fixture, TASKS);
      expect(result.completed + result.uncertain).toBe(TASKS);
      expectNeverTwice(sink, result);
    }, 240_000);
  });
});
