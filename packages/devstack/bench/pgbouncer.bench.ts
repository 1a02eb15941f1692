/*
 * Transactions per second, direct to PostgreSQL 18 vs through pgBouncer (transaction mode,
 * production pool sizes from infra/pgbouncer/pgbouncer.ini), at 50 and 500 clients.
 *
 *   pnpm --filter @outreach/devstack bench            (BENCH_SECONDS=5 by default)
 *
 * Each client loops over the apps' transaction shape: BEGIN; set_config('app.organisation_id',
 * …, true); an indexed read of its organisation's rows; COMMIT. PostgreSQL runs with the
 * production max_connections = 100, so 500 direct clients cannot all connect: the bench shows
 * how many did and what the refused ones were told.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PgBouncerServer } from '../src/pgbouncer-server.js';
import { PostgresServer } from '../src/postgres-server.js';
import { freePort } from '../src/ports.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? '5');
const CLIENT_COUNTS = [50, 500];
const APP_USER = 'outreach_app_user';
const APP_PASSWORD = 'bench-secret';
const DATABASE = 'outreach';
const ORGANISATIONS = 200;

interface Row {
  clients: number;
  path: 'direct' | 'pgbouncer';
  connected: number;
  transactions: number;
  tps: number;
  p50: number;
  p99: number;
  errors: number;
  firstError: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(url: string, clients: number, path: Row['path']): Promise<Row> {
  const connections = await Promise.allSettled(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    }),
  );
  const connected: pg.Client[] = [];
  const refusals: string[] = [];
  for (const c of connections) {
    if (c.status === 'fulfilled') connected.push(c.value);
    else refusals.push(c.reason instanceof Error ? c.reason.message : String(c.reason));
  }
  const ids = await connected[0]?.query<{ id: string }>('SELECT id FROM bench.organisations');
  const orgIds = ids?.rows.map((r) => r.id) ?? [];

  const latencies: number[] = [];
  let errors = 0;
  let firstError = refusals[0] ?? '';
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    connected.map(async (client, index) => {
      let n = index;
      while (performance.now() < deadline) {
        const organisationId = orgIds[n % orgIds.length] ?? '';
        n += clients;
        const started = performance.now();
        try {
          await client.query('BEGIN');
          await client.query("SELECT set_config('app.organisation_id', $1, true)", [
            organisationId,
          ]);
          await client.query(
            `SELECT count(*) FROM bench.companies
              WHERE organisation_id = current_setting('app.organisation_id')::uuid`,
          );
          await client.query('COMMIT');
          latencies.push(performance.now() - started);
        } catch (error) {
          errors += 1;
          firstError ||= error instanceof Error ? error.message : String(error);
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }
    }),
  );
  await Promise.all(connected.map((c) => c.end().catch(() => undefined)));
  latencies.sort((a, b) => a - b);
  return {
    clients,
    path,
    connected: connected.length,
    transactions: latencies.length,
    tps: latencies.length / SECONDS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: errors + refusals.length,
    firstError,
  };
}

function print(rows: Row[]): void {
  const header = [
    'clients',
    'path',
    'connected',
    'tps',
    'p50 ms',
    'p99 ms',
    'errors',
    'first error',
  ];
  const table = rows.map((r) => [
    String(r.clients),
    r.path,
    `${r.connected}/${r.clients}`,
    r.tps.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.errors),
    r.firstError.slice(0, 60),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of table) console.log(line(row));
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'pgbouncer-bench-'));
  chmodSync(root, 0o755);
  const postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: { max_connections: 100, synchronous_commit: 'off' },
  });
  const bouncer = new PgBouncerServer({
    port: await freePort(),
    dir: join(root, 'pgbouncer'),
    postgres: { host: '127.0.0.1', port: postgres.port },
    users: [{ name: APP_USER, password: APP_PASSWORD }],
    databases: [DATABASE],
  });
  try {
    await postgres.start();
    await postgres.query(`CREATE ROLE ${APP_USER} LOGIN PASSWORD '${APP_PASSWORD}'`);
    await postgres.query(`CREATE DATABASE ${DATABASE} OWNER ${APP_USER}`);
    await postgres.query(
      `SET ROLE ${APP_USER};
       CREATE SCHEMA bench;
       CREATE TABLE bench.organisations (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
       CREATE TABLE bench.companies (organisation_id uuid NOT NULL, id bigint NOT NULL,
         name text NOT NULL, PRIMARY KEY (organisation_id, id));
       INSERT INTO bench.organisations SELECT FROM generate_series(1, ${ORGANISATIONS});
       INSERT INTO bench.companies SELECT o.id, g, 'company ' || g
         FROM bench.organisations o, generate_series(1, 50) g;
       ANALYZE;`,
      DATABASE,
    );
    await bouncer.start();
    const direct = `postgres://${APP_USER}:${APP_PASSWORD}@127.0.0.1:${postgres.port}/${DATABASE}`;
    const pooled = bouncer.url({ user: APP_USER, password: APP_PASSWORD, database: DATABASE });
    console.log(
      `PostgreSQL 18 max_connections=100; pgBouncer pool_mode=transaction, ` +
        `server connections <= ${bouncer.maxServerConnectionsPerDatabase}; ${SECONDS} s per run`,
    );
    // Direct runs first: pgBouncer keeps its idle server connections (server_idle_timeout),
    // which would otherwise take slots from the direct clients.
    const rows: Row[] = [];
    for (const clients of CLIENT_COUNTS) rows.push(await measure(direct, clients, 'direct'));
    for (const clients of CLIENT_COUNTS) rows.push(await measure(pooled, clients, 'pgbouncer'));
    print(rows.sort((a, b) => a.clients - b.clients));
    const pooled500 = rows.find((r) => r.clients === 500 && r.path === 'pgbouncer');
    const direct50 = rows.find((r) => r.clients === 50 && r.path === 'direct');
    console.log(
      `target: 500/500 clients served through pgBouncer with 0 errors -> ` +
        `${pooled500?.connected ?? 0}/500, ${pooled500?.errors ?? '?'} errors`,
    );
    console.log(
      `baseline: direct at 50 clients ${direct50?.tps.toFixed(0) ?? '?'} tps; ` +
        `pgBouncer at 500 clients keeps ${pooled500 && direct50 ? ((100 * pooled500.tps) / direct50.tps).toFixed(0) : '?'}% of it ` +
        `(target >= 50%: the pooler's extra hop costs latency, not collapse)`,
    );
  } finally {
    await bouncer.stop();
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
