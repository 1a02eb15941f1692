import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgBouncerServer, PostgresServer, RedisServer, freePort } from '@outreach/devstack';
import {
  HttpServiceHarness,
  getHealth,
  testServiceEnv,
  type HealthBody,
} from '@outreach/testing/http';
import { apiService } from '../src/api.definition.js';

/*
 * Operations: readiness follows the dependencies. The api runs as in production (database
 * through pgBouncer in transaction mode); PostgreSQL and Redis of its own are stopped and
 * started again under it: /health/ready goes 503 naming the lost dependency, then back to 200
 * without restarting the app; /health/live stays 200 throughout.
 */

const RECOVERY_DEADLINE_MS = 20_000;

let root: string;
let postgres: PostgresServer;
let redis: RedisServer;
let bouncer: PgBouncerServer;
const harness = new HttpServiceHarness(apiService);
let url: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'api-readiness-'));
  chmodSync(root, 0o755);
  postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: { fsync: 'off' },
  });
  await postgres.start();
  redis = new RedisServer({ port: await freePort(), dir: root });
  await redis.start();
  bouncer = new PgBouncerServer({
    port: await freePort(),
    dir: join(root, 'pgbouncer'),
    postgres: { host: '127.0.0.1', port: postgres.port },
    users: [{ name: postgres.user, password: postgres.password }],
    databases: ['postgres'],
    poolSize: 5,
  });
  await bouncer.start();
  url = await harness.boot(
    testServiceEnv(
      bouncer.url({ user: postgres.user, password: postgres.password, database: 'postgres' }),
      { REDIS_URL: redis.url },
    ),
  );
}, 60_000);

afterAll(async () => {
  await harness.closeAll();
  await bouncer.stop();
  await redis.stop();
  await postgres.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Polls /health/ready until `expected` or the deadline; returns the last answer. */
async function readyUntil(expected: number): Promise<{ status: number; body: HealthBody }> {
  const deadline = Date.now() + RECOVERY_DEADLINE_MS;
  for (;;) {
    const answer = await getHealth(`${url}/health/ready`);
    if (answer.status === expected || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('api readiness when PostgreSQL or Redis goes away and comes back (e2e)', () => {
  it('is ready with everything up', async () => {
    const { status, body } = await readyUntil(200);
    expect(status).toBe(200);
    expect(body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  interface Stoppable {
    stop(): Promise<void>;
    start(): Promise<void>;
  }
  const outages: {
    check: 'database' | 'redis';
    other: 'database' | 'redis';
    server: () => Stoppable;
  }[] = [
    { check: 'database', other: 'redis', server: () => postgres },
    { check: 'redis', other: 'database', server: () => redis },
  ];

  it.each(outages)(
    'goes 503 naming $check while it is stopped, and recovers when it restarts',
    async ({ check, other, server }) => {
      await server().stop();
      const down = await readyUntil(503);
      expect(down.status).toBe(503);
      expect(down.body.details[check]?.status).toBe('down');
      expect(down.body.details[other]?.status).toBe('up');
      expect((await getHealth(`${url}/health/live`)).status).toBe(200);

      await server().start();
      const up = await readyUntil(200);
      expect(up.status).toBe(200);
      expect(up.body.details[check]?.status).toBe('up');
    },
    60_000,
  );
});
