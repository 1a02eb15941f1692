import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDataSource } from '@outreach/db';
import {
  AppProcess,
  freePort,
  RedisServer,
  SmtpSink,
  type PgBouncerServer,
} from '@outreach/devstack';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { enrollProspects, eventually, seedCampaign, select } from '../delivery/engine-fixture.js';
import { countsByRecipient, settled, startTestBouncer } from '../delivery/worker-process.js';

/*
 * Many stateless copies of every app against one PostgreSQL 18 (behind pgBouncer in
 * transaction mode) and one Redis: three worker processes, two api and two tracker processes,
 * all the built dist/main.js. One worker is SIGKILLed a third of the way through the sends;
 * the other two end every task. Every mail reaches the SMTP sink at most once (exactly once
 * for each sent message), every pixel request made through either tracker is counted once, and
 * a resource is read through both api copies alike.
 *
 * SCALE_OUT_MESSAGES sets the number of messages (default 1,000 to fit the suite's budget; the
 * issue's figure is 30,000: `SCALE_OUT_MESSAGES=30000 pnpm test -- many-processes`).
 */

const MESSAGES = Number(process.env.SCALE_OUT_MESSAGES ?? 1_000);
const SINK_AUTH = { username: 'sink-user', password: 'sink-password' };
const WORKER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const API_MAIN = fileURLToPath(new URL('../../../api/dist/main.js', import.meta.url));
const TOKEN_MAIN = fileURLToPath(new URL('../../../api/dist/cli/mint-token.js', import.meta.url));
const TRACKER_MAIN = fileURLToPath(new URL('../../../tracker/dist/main.js', import.meta.url));

/**
 * An app as a process (devstack's AppProcess), ready (PostgreSQL and Redis answer) before it
 * returns; generous start-up time, as seven of them share two cores here.
 */
function startApp(main: string, env: Record<string, string>): Promise<AppProcess> {
  return AppProcess.start({ main, env, waitFor: 'ready', startTimeoutMs: 90_000 });
}

describe('many processes: three workers, two api, two trackers, one PostgreSQL behind pgBouncer, one Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scale-out-'));
  chmodSync(dir, 0o755); // pgBouncer runs as an unprivileged user when we are root
  let database: TestDatabase;
  let redis: RedisServer;
  let bouncer: PgBouncerServer;
  let sink: SmtpSink;
  let dataSource: DataSource;
  let pooledUrl: string;
  const workers: AppProcess[] = [];
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = new RedisServer({ port: await freePort(), dir });
    await redis.start();
    ({ bouncer, url: pooledUrl } = await startTestBouncer(database, dir, 30));
    sink = await SmtpSink.start({ auth: SINK_AUTH });
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'scale-out-test' });
    await dataSource.initialize();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.kill('SIGKILL')));
    await Promise.all(apps.splice(0).map((app) => app.kill('SIGKILL')));
    await dataSource.destroy();
    await sink.stop();
    if (bouncer.running) await bouncer.stop();
    await redis.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`sends ${MESSAGES} messages with one worker killed mid-run: none twice, none lost; every open counted once`, async () => {
    const common = { DATABASE_URL: pooledUrl, REDIS_URL: redis.url, DB_POOL_SIZE: '4' };
    const workerEnv = {
      ...common,
      CLAIM_EVERY_MS: '200',
      CLAIM_BATCH_SIZE: '100',
      CLAIM_LEASE_SECONDS: '15',
      DELIVERY_CONCURRENCY: '10',
      SMTP_POOL_CONNECTIONS: '3',
      TRACKER_PUBLIC_URL: 'https://t.example.test',
    };
    const trackerEnv = {
      ...common,
      // Every request comes from 127.0.0.1: no flood limit, no "too soon" reclassification needed.
      OPEN_SOURCE_LIMIT_PER_MINUTE: '0',
      OPEN_PIXEL_SOURCE_LIMIT_PER_MINUTE: '0',
    };
    // One after the other: seven Node processes booting at once overrun a 2-core machine.
    const started: AppProcess[] = [];
    for (let i = 0; i < 3; i += 1) started.push(await startApp(WORKER_MAIN, workerEnv));
    workers.push(...started);
    for (const [main, env] of [
      [API_MAIN, common],
      [API_MAIN, common],
      [TRACKER_MAIN, trackerEnv],
      [TRACKER_MAIN, trackerEnv],
    ] as const) {
      apps.push(await startApp(main, env));
    }
    const [apiA, apiB, trackerA, trackerB] = apps;
    const [victim] = started;
    if (!apiA || !apiB || !trackerA || !trackerB || !victim) throw new Error('missing process');

    const fixture = await seedCampaign(
      dataSource,
      { smtpPort: sink.port, dailyCap: 100_000 },
      [{}],
      { dailyLimit: 100_000 },
    );
    for (let seeded = 0; seeded < MESSAGES; seeded += 2_000) {
      const offset = seeded;
      await enrollProspects(dataSource, fixture, Math.min(2_000, MESSAGES - seeded), {
        email: (index) => `claire.${offset + index}@dupont${offset + index}.example.fr`,
      });
    }

    await sink.waitForCount(Math.floor(MESSAGES / 3), 300_000);
    expect(await victim.kill('SIGKILL')).toBe('SIGKILL');

    const result = await settled(dataSource, fixture, MESSAGES, 600_000);
    expect(result.others).toEqual([]);
    // What the dead worker left `sending` ends uncertain (no IMAP here): at most its concurrency.
    expect(result.uncertain).toBeLessThanOrEqual(10);
    expect(result.completed + result.uncertain).toBe(MESSAGES);
    expect(sink.duplicates()).toEqual([]);
    expect([...countsByRecipient(sink)].filter(([, count]) => count > 1)).toEqual([]);
    const counts = sink.countsByMessageId();
    expect(result.sent.filter((id) => counts.get(id) !== 1)).toEqual([]);
    const known = new Set([...result.sent, ...result.uncertainIds]);
    expect(sink.received.filter((mail) => !known.has(mail.messageId ?? ''))).toEqual([]);

    // Every pixel opened once, alternately through the two trackers.
    const pixels = await select<{ token: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT p.token FROM tracking.pixels p JOIN outreach.messages m ON m.id = p.message_id
        WHERE m.status = 'sent'`,
    );
    expect(pixels).toHaveLength(result.completed);
    const trackers = [trackerA, trackerB];
    let answered = 0;
    for (let i = 0; i < pixels.length; i += 50) {
      const statuses = await Promise.all(
        pixels.slice(i, i + 50).map(async ({ token }, j) => {
          const tracker = trackers[(i + j) % 2] ?? trackerA;
          const response = await fetch(`${tracker.url}/p/${token}.gif`, {
            headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) Thunderbird/128.0' },
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      answered += statuses.filter((status) => status === 200).length;
    }
    expect(answered).toBe(pixels.length);
    // Flushed within OPEN_FLUSH_INTERVAL_MS by each tracker: the counts add up, none lost.
    const opens = await eventually(
      async () => {
        const [row] = await select<{ opens: string; messages: string }>(
          dataSource,
          fixture.organisationId,
          `SELECT coalesce(sum(open_count), 0) AS opens, count(*) AS messages
             FROM tracking.message_open_stats`,
        );
        return Number(row?.opens) === answered ? row : undefined;
      },
      30_000,
      `${answered} opens to be stored`,
    );
    expect(Number(opens.messages)).toBe(answered);

    // The api is stateless: a token minted once works on both copies, which see the same data.
    const token = await mintToken(database.appUrl, 'scale.owner@example.fr');
    await grantOwner(database.url, fixture.organisationId, 'scale.owner@example.fr');
    for (const api of [apiA, apiB]) {
      const response = await fetch(
        `${api.url}/organisations/${fixture.organisationId}/campaigns/${fixture.campaignId}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(response.status).toBe(200);
      expect(((await response.json()) as { id: string }).id).toBe(fixture.campaignId);
    }
    for (const running of [...workers.slice(1), ...apps]) {
      expect(running.log).not.toMatch(/"level":60/);
    }
  }, 900_000);
});

/** A development token for `email` (the api's own CLI, which also creates the user). */
async function mintToken(databaseUrl: string, email: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [TOKEN_MAIN, '--email', email], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return stdout.trim();
}

/** Makes the user an active owner of the organisation (test set-up, as a superuser). */
async function grantOwner(
  superuserUrl: string,
  organisationId: string,
  email: string,
): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO iam.organisation_users (organisation_id, user_id, role, status)
       SELECT $1, id, 'owner', 'active' FROM iam.users WHERE email = $2`,
      [organisationId, email],
    );
  } finally {
    await client.end();
  }
}
