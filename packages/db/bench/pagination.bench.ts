/**
 * Pagination at scale: 1,000 organisations × 1,000 companies, people and positions (3M rows)
 * in a throw-away PostgreSQL 18 (devstack, fsync off), then p50/p95 of a 50-row keyset page
 * of ONE organisation, through raw `pg` and through the repository, and the EXPLAIN plan.
 *
 *   pnpm --filter @outreach/db bench            (BENCH_ORGS / BENCH_ROWS / BENCH_ITERATIONS to resize)
 *
 * Targets (issue 4): p95 < 5 ms raw; the repository adds < 1 ms; index scan on an
 * organisation-first index, no sequential scan.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresServer, freePort } from '@outreach/devstack';
import { createDataSource } from '../src/data-source.factory.js';
import { Migrator } from '../src/migrator/index.js';
import { asOrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { createRepositories } from '../src/repositories/repositories.factory.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';

const ORGS = Number(process.env.BENCH_ORGS ?? 1000);
const ROWS = Number(process.env.BENCH_ROWS ?? 1000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const PAGE = 50;
// Compiled to dist/.bench/bench/: five levels below the repository root.
const MIGRATIONS_DIR = fileURLToPath(
  new URL('../../../../../infra/postgres/db/migrations', import.meta.url),
);
const TARGET_RAW_P95_MS = 5;
const TARGET_OVERHEAD_MS = 1;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(samples: number[]): { p50: number; p95: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean };
}

async function timed(label: string, work: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await work();
  console.log(`  ${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

async function load(client: pg.Client): Promise<void> {
  console.log(`Loading ${ORGS} organisations × ${ROWS} companies, people, positions…`);
  await timed('organisations', () =>
    client.query(
      `INSERT INTO iam.organisations (id, name, slug)
       SELECT md5('org' || g)::uuid, 'Organisation ' || g, 'organisation-' || g
         FROM generate_series(1, $1) AS g`,
      [ORGS],
    ),
  );
  // Deterministic ids (md5) so positions can point at the company and person of the same number.
  // created_at spread over time, so the (organisation_id, created_at, id) index has real order.
  await timed('companies', () =>
    client.query(
      `INSERT INTO crm.companies (organisation_id, id, name, website_url, city, created_at, updated_at)
       SELECT o.id, md5(o.id::text || 'c' || g)::uuid, 'Société ' || g,
              'https://s' || g || '.example.fr', 'Paris',
              now() - g * interval '1 minute', now() - g * interval '1 minute'
         FROM iam.organisations o CROSS JOIN generate_series(1, $1) AS g`,
      [ROWS],
    ),
  );
  await timed('people', () =>
    client.query(
      `INSERT INTO crm.people (organisation_id, id, first_name, last_name, created_at, updated_at)
       SELECT o.id, md5(o.id::text || 'p' || g)::uuid, 'Camille', 'Durand ' || g,
              now() - g * interval '1 minute', now() - g * interval '1 minute'
         FROM iam.organisations o CROSS JOIN generate_series(1, $1) AS g`,
      [ROWS],
    ),
  );
  await timed('positions', () =>
    client.query(
      `INSERT INTO crm.positions (organisation_id, id, person_id, company_id, title, email, created_at, updated_at)
       SELECT o.id, md5(o.id::text || 's' || g)::uuid, md5(o.id::text || 'p' || g)::uuid,
              md5(o.id::text || 'c' || g)::uuid, 'Directeur commercial',
              'camille' || g || '@s' || g || '.example.fr',
              now() - g * interval '1 minute', now() - g * interval '1 minute'
         FROM iam.organisations o CROSS JOIN generate_series(1, $1) AS g`,
      [ROWS],
    ),
  );
  await timed('ANALYZE', () => client.query('VACUUM ANALYZE'));
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'outreach-bench-'));
  chmodSync(root, 0o755);
  const server = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      shared_buffers: '1GB',
      maintenance_work_mem: '512MB',
      max_wal_size: '8GB',
      checkpoint_timeout: '30min',
    },
  });
  await server.start();
  try {
    await server.query('CREATE DATABASE bench');
    const url = server.url('bench');
    const migrator = new Migrator({ databaseUrl: url, locations: [MIGRATIONS_DIR] });
    try {
      await migrator.migrate();
    } finally {
      await migrator.close();
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const started = performance.now();
    await load(client);
    const { rows: counts } = await client.query<{ total: string }>(
      `SELECT ((SELECT count(*) FROM crm.companies) + (SELECT count(*) FROM crm.people)
              + (SELECT count(*) FROM crm.positions))::text AS total`,
    );
    console.log(
      `Loaded ${counts[0]?.total ?? '?'} rows in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );

    // One organisation in the middle of the key space.
    const org = asOrganisationId(
      (
        await client.query<{ id: string }>(`SELECT md5('org' || $1)::uuid::text AS id`, [
          Math.ceil(ORGS / 2),
        ])
      ).rows[0]?.id ?? '',
    );
    const dataSource = createDataSource({ url, applicationName: 'outreach-bench', poolSize: 2 });
    await dataSource.initialize();
    const codec = new CursorCodec('bench-cursor-secret-0123456789');
    const repos = createRepositories(dataSource.manager, codec);

    // The SQL the repository issues for companies sorted by creation (default sort).
    const rawSql = (withCursor: boolean): string =>
      `SELECT * FROM crm.companies WHERE organisation_id = $1` +
      (withCursor ? ` AND (created_at, id) > ($2::timestamptz, $3::uuid)` : '') +
      ` ORDER BY created_at ASC, id ASC LIMIT ${withCursor ? '$4' : '$2'}`;

    // Warm-up and page keys: walk the organisation once.
    const rawKeys: Array<[string, string] | null> = [null];
    const cursors: Array<string | null> = [null];
    for (let page = 0, cursor: string | null = null; ; page += 1) {
      const result = await repos.companies.list(org, { limit: PAGE, cursor });
      const last = result.items.at(-1);
      if (!result.nextCursor || !last) break;
      cursors.push(result.nextCursor);
      const key = await client.query<{ t: string }>(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t
           FROM crm.companies WHERE organisation_id = $1 AND id = $2`,
        [org, last.id],
      );
      rawKeys.push([key.rows[0]?.t ?? '', last.id]);
      cursor = result.nextCursor;
    }
    console.log(`Organisation ${org}: ${cursors.length} pages of ${PAGE}\n`);

    const raw: number[] = [];
    const viaRepository: number[] = [];
    const viaTenantTransaction: number[] = [];
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    for (let i = 0; i < ITERATIONS; i += 1) {
      const page = i % rawKeys.length;
      const key = rawKeys[page];
      let start = performance.now();
      const result = key
        ? await pool.query(rawSql(true), [org, key[0], key[1], PAGE + 1])
        : await pool.query(rawSql(false), [org, PAGE + 1]);
      raw.push(performance.now() - start);
      if (result.rows.length === 0) throw new Error('raw page came back empty');

      start = performance.now();
      await repos.companies.list(org, { limit: PAGE, cursor: cursors[page] ?? null });
      viaRepository.push(performance.now() - start);

      start = performance.now();
      await runInTenantTransaction(dataSource, org, (manager) =>
        createRepositories(manager, codec).companies.list(org, {
          limit: PAGE,
          cursor: cursors[page] ?? null,
        }),
      );
      viaTenantTransaction.push(performance.now() - start);
    }
    await pool.end();

    const r = summary(raw);
    const p = summary(viaRepository);
    const t = summary(viaTenantTransaction);
    const fmt = (value: number): string => value.toFixed(3).padStart(7);
    console.log(`50-row page of one organisation, ${ITERATIONS} iterations (ms):`);
    console.log(`                                  p50      p95     mean   target`);
    console.log(
      `  raw pg                      ${fmt(r.p50)}  ${fmt(r.p95)}  ${fmt(r.mean)}   p95 < ${TARGET_RAW_P95_MS}`,
    );
    console.log(
      `  repository (no transaction) ${fmt(p.p50)}  ${fmt(p.p95)}  ${fmt(p.mean)}   +< ${TARGET_OVERHEAD_MS} over raw`,
    );
    console.log(
      `  repository in tenant txn    ${fmt(t.p50)}  ${fmt(t.p95)}  ${fmt(t.mean)}   (BEGIN + set_config + page + COMMIT)`,
    );
    const overheadP50 = p.p50 - r.p50;
    const overheadP95 = p.p95 - r.p95;
    console.log(
      `  repository overhead: p50 +${overheadP50.toFixed(3)} ms, p95 +${overheadP95.toFixed(3)} ms → ${overheadP95 < TARGET_OVERHEAD_MS ? 'OK' : 'OVER TARGET'}`,
    );
    console.log(
      `  raw p95 ${r.p95.toFixed(3)} ms → ${r.p95 < TARGET_RAW_P95_MS ? 'OK' : 'OVER TARGET'}\n`,
    );

    const middle = rawKeys[Math.floor(rawKeys.length / 2)];
    if (!middle) throw new Error('no middle page');
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${rawSql(true)}`,
      [org, middle[0], middle[1], PAGE + 1],
    );
    const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    console.log('EXPLAIN (ANALYZE, BUFFERS) of a middle page:');
    console.log(text.replace(/^/gm, '  '));
    const indexScan = /Index Scan using (companies_created_at_idx)/.exec(text);
    const seqScan = text.includes('Seq Scan');
    console.log(
      `\nPlan check: ${indexScan ? `index scan on ${indexScan[1]} (organisation_id, created_at, id)` : 'NO index scan on companies_created_at_idx'}; ` +
        `${seqScan ? 'SEQUENTIAL SCAN PRESENT' : 'no sequential scan'} → ${indexScan && !seqScan ? 'OK' : 'FAIL'}`,
    );
    await dataSource.destroy();
    await client.end();
    if (!indexScan || seqScan) process.exitCode = 1;
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
