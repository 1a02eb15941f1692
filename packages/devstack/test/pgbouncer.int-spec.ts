import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PgBouncerServer } from '../src/pgbouncer-server.js';
import { PostgresServer } from '../src/postgres-server.js';
import { freePort } from '../src/ports.js';
import { serviceIdentity } from '../src/process-user.js';

const ENTRYPOINT = fileURLToPath(
  new URL('../../../infra/pgbouncer/entrypoint.sh', import.meta.url),
);

/*
 * Proof that the transaction-mode pooler survives many clients: the real pgbouncer binary in
 * front of a PostgreSQL 18 with the production max_connections = 100.
 */

const APP_USER = 'outreach_app_user';
const APP_PASSWORD = 'app-secret';
const DATABASE = 'outreach';
const POOL_SIZE = 20;
const CLIENTS = 500;
const TRANSACTIONS_PER_CLIENT = 3;

let root: string;
let postgres: PostgresServer;
let bouncer: PgBouncerServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pgbouncer-int-'));
  chmodSync(root, 0o755);
  postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: { max_connections: 100, fsync: 'off', synchronous_commit: 'off' },
  });
  await postgres.start();
  await postgres.query(`CREATE ROLE ${APP_USER} LOGIN PASSWORD '${APP_PASSWORD}'`);
  await postgres.query(`CREATE DATABASE ${DATABASE} OWNER ${APP_USER}`);
  bouncer = new PgBouncerServer({
    port: await freePort(),
    dir: join(root, 'pgbouncer'),
    postgres: { host: '127.0.0.1', port: postgres.port },
    users: [{ name: APP_USER, password: APP_PASSWORD }],
    databases: [DATABASE],
    poolSize: POOL_SIZE,
  });
  await bouncer.start();
}, 60_000);

afterAll(async () => {
  await bouncer.stop();
  await postgres.stop();
  rmSync(root, { recursive: true, force: true });
});

function appUrl(password = APP_PASSWORD): string {
  return bouncer.url({ user: APP_USER, password, database: DATABASE });
}

interface ClientResult {
  ok: boolean;
  error?: string;
  /** Tenant values seen inside its own transactions (must all be its own). */
  seen: string[];
  /** Values seen at the start of a transaction, before setting (must be empty). */
  before: string[];
  /** Values seen in a fresh transaction after COMMIT (must be empty). */
  after: string[];
  backends: number[];
}

async function runClient(organisationId: string): Promise<ClientResult> {
  const result: ClientResult = { ok: false, seen: [], before: [], after: [], backends: [] };
  const client = new pg.Client({ connectionString: appUrl() });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (let i = 0; i < TRANSACTIONS_PER_CLIENT; i += 1) {
      await client.query('BEGIN');
      const before = await client.query<{ v: string | null }>(
        "SELECT current_setting('app.organisation_id', true) AS v",
      );
      result.before.push(before.rows[0]?.v ?? '');
      await client.query("SELECT set_config('app.organisation_id', $1, true)", [organisationId]);
      // Hold the server connection a little so transactions of different clients interleave.
      await client.query('SELECT pg_sleep($1)', [Math.random() * 0.02]);
      const inside = await client.query<{ v: string; pid: number }>(
        "SELECT current_setting('app.organisation_id', true) AS v, pg_backend_pid() AS pid",
      );
      result.seen.push(inside.rows[0]?.v ?? '');
      result.backends.push(inside.rows[0]?.pid ?? -1);
      await client.query('COMMIT');
      const after = await client.query<{ v: string | null }>(
        "SELECT current_setting('app.organisation_id', true) AS v",
      );
      result.after.push(after.rows[0]?.v ?? '');
    }
    result.ok = true;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
  return result;
}

describe('pgbouncer in transaction mode in front of PostgreSQL 18', () => {
  it('serves 500 concurrent clients with at most the pool size of server connections and no tenant leak', async () => {
    const admin = new pg.Client({ connectionString: postgres.url(DATABASE) });
    await admin.connect();
    const state = { sampling: true };
    const samples: number[] = [];
    const sampler = (async () => {
      while (state.sampling) {
        const { rows } = await admin.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1',
          [APP_USER],
        );
        samples.push(rows[0]?.n ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const organisations = Array.from({ length: CLIENTS }, () => randomUUID());
    let results: ClientResult[];
    try {
      results = await Promise.all(organisations.map((id) => runClient(id)));
    } finally {
      state.sampling = false;
      await sampler;
      await admin.end();
    }

    const failures = results.filter((r) => !r.ok).map((r) => r.error);
    expect(failures).toEqual([]);
    results.forEach((result, index) => {
      expect(result.seen).toEqual(Array(TRANSACTIONS_PER_CLIENT).fill(organisations[index]));
      expect(result.before).toEqual(Array(TRANSACTIONS_PER_CLIENT).fill(''));
      expect(result.after).toEqual(Array(TRANSACTIONS_PER_CLIENT).fill(''));
    });

    const peak = Math.max(...samples);
    console.log(
      `pgbouncer proof: ${CLIENTS} clients, peak ${peak} server connections (pool ${POOL_SIZE}), ${samples.length} samples`,
    );
    expect(samples.length).toBeGreaterThan(5);
    expect(peak).toBeLessThanOrEqual(POOL_SIZE);
    // The pool was really under pressure (otherwise the bound proves nothing).
    expect(peak).toBeGreaterThanOrEqual(POOL_SIZE / 2);
    const distinctBackends = new Set(results.flatMap((r) => r.backends));
    expect(distinctBackends.size).toBeLessThanOrEqual(POOL_SIZE);
  }, 120_000);

  it('refuses a wrong password', async () => {
    const client = new pg.Client({ connectionString: appUrl('wrong-password') });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow(/authentication failed/);
  });

  it('refuses a start-up statement_timeout it could not apply per client', async () => {
    const client = new pg.Client({ connectionString: appUrl(), statement_timeout: 1000 });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow(/unsupported startup parameter/);
  });

  it('refuses a database it does not serve', async () => {
    const client = new pg.Client({
      connectionString: bouncer.url({ user: APP_USER, password: APP_PASSWORD, database: 'other' }),
    });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow(/no such database/);
  });

  it('the compose entrypoint writes the auth file from POSTGRES_APP_PASSWORD and serves with it', async () => {
    const user = 'compose_app_user';
    const password = `pa"ss'word with spaces`;
    await postgres.query(`CREATE ROLE ${user} LOGIN PASSWORD 'pa"ss''word with spaces'`);
    // A runtime ini for a second pgBouncer (written by start(), then stopped).
    const compose = new PgBouncerServer({
      port: await freePort(),
      dir: join(root, 'compose'),
      postgres: { host: '127.0.0.1', port: postgres.port },
      users: [],
      databases: [DATABASE],
    });
    await compose.start();
    await compose.stop();
    const authFile = join(root, 'compose', 'userlist.txt');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PGBOUNCER_INI: compose.configPath,
      PGBOUNCER_AUTH_FILE: authFile,
      PGBOUNCER_APP_USER: user,
    };

    // The service user may not be able to read a checkout in a private folder: run a copy.
    const entrypoint = join(root, 'entrypoint.sh');
    copyFileSync(ENTRYPOINT, entrypoint);
    chmodSync(entrypoint, 0o755);
    const refused = spawnSync('sh', [entrypoint], { env, encoding: 'utf8', ...serviceIdentity() });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `pgbouncer: error: POSTGRES_APP_PASSWORD is not set: set the password of ${user}\n`,
    );

    const child = spawn('sh', [entrypoint], {
      env: { ...env, POSTGRES_APP_PASSWORD: password },
      stdio: 'ignore',
      ...serviceIdentity(),
    });
    try {
      const url = compose.url({ user, password, database: DATABASE });
      let result: string | undefined;
      for (let attempt = 0; attempt < 50 && result === undefined; attempt += 1) {
        const client = new pg.Client({ connectionString: url });
        client.on('error', () => undefined);
        try {
          await client.connect();
          result = (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
        } finally {
          await client.end().catch(() => undefined);
        }
      }
      expect(result).toBe(user);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses to start on a port already in use', async () => {
    const second = new PgBouncerServer({
      port: bouncer.port,
      dir: join(root, 'second'),
      postgres: { host: '127.0.0.1', port: postgres.port },
      users: [],
    });
    await expect(second.start()).rejects.toThrow(/already in use/);
  });
});
