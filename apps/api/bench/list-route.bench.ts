/**
 * The list route under load (issue 9, point 8): requests/s and latency of
 * `GET /organisations/:organisationId/companies?limit=50` served by the real api, beside a bare
 * Fastify + pg handler doing the same authentication, membership check and page in two round
 * trips (bare-list-server.ts), in the same run, on the same database.
 *
 *   pnpm exec turbo run build --filter=@outreach/api    (the api runs from dist/main.js)
 *   pnpm --filter @outreach/api bench                   direct to PostgreSQL
 *   pnpm --filter @outreach/api bench -- --pgbouncer    through pgBouncer (transaction mode)
 *   pnpm --filter @outreach/api bench -- --cpu-prof     also profiles both servers (slower)
 *
 * BENCH_CONNECTIONS (20), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (2) resize it;
 * REDIS_URL points the api at an existing Redis instead of a throw-away one.
 *
 * A throw-away PostgreSQL 18 (devstack) migrated by the project's Migrator; both servers log in
 * as outreach_app_user, so row-level security applies to both. One organisation, its owner and
 * 251 companies, seeded through @outreach/db's repositories. Each target runs as a child process
 * with the same pool size; autocannon loads them in turn (bare, api, bare, api: drift cancels
 * out), each run after a warm-up. Every response must be 2xx (else exit 1).
 *
 * Target: the api serves ≥ 0.7× the bare handler's requests/s. Printed, not asserted.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import {
  CursorCodec,
  createDataSource,
  createRepositories,
  runInTenantTransaction,
} from '@outreach/db';
import { FIXTURE_CURSOR_SECRET, seedOrganisation, validSiren } from '@outreach/db/testing';
import { PgBouncerServer, PostgresServer, RedisServer, freePort } from '@outreach/devstack';
import { mintDevToken } from '@outreach/tenancy/http';
import { ChildServer } from './child-server.js';
import { summariseCpuProfile } from './cpu-profile.js';
import { BENCH_APP_USER, BENCH_DATABASE, prepareBenchDatabase } from './bench-database.js';

const flags = new Set(process.argv.slice(2));
const VIA_PGBOUNCER = flags.has('--pgbouncer');
const CPU_PROFILE = flags.has('--cpu-prof');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? '20');
const SECONDS = Number(process.env.BENCH_SECONDS ?? '10');
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? '3');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '2');
const POOL_SIZE = 10;
const EXTRA_COMPANIES = 250;
const PAGE = 50;
const TARGET_RATIO = 0.7;
/** Issue 9, before the one-transaction rework: nine round trips in two transactions. */
const ISSUE_BASELINE = { api: 240, bare: 690 };

const DATABASE = BENCH_DATABASE;
const APP_USER = BENCH_APP_USER;
const JWT_SECRET = 'list-route-bench-jwt-secret-0123456789abcdef';
const CURSOR_SECRET = 'list-route-bench-cursor-secret';
// Compiled to apps/api/dist/.bench/bench/.
const API_MAIN = fileURLToPath(new URL('../../main.js', import.meta.url));
const BARE_MAIN = fileURLToPath(new URL('./bare-list-server.js', import.meta.url));
const PROFILE_DIR = fileURLToPath(new URL('../profiles', import.meta.url));

interface Target {
  name: 'bare' | 'api';
  server: ChildServer;
  url: string;
}

interface Run {
  target: Target['name'];
  round: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  cpuMsPerRequest: number;
}

/** Stopped in reverse order on exit, Ctrl-C included. */
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      await step().catch((error: unknown) => {
        console.error('clean-up step failed:', error);
      });
    }
  })();
  return cleaning;
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping what the bench started…`);
    void cleanUp().finally(() => process.exit(code));
  });
}

async function startDatabase(root: string): Promise<{ superuser: string; app: string }> {
  const postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: {
      max_connections: 100,
      synchronous_commit: 'off',
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track': 'all',
    },
  });
  cleanups.push(() => postgres.stop());
  await postgres.start();
  const { superuserUrl: superuser, appUrl: direct } = await prepareBenchDatabase(postgres);
  await postgres.query('CREATE EXTENSION pg_stat_statements', DATABASE);
  if (!VIA_PGBOUNCER) return { superuser, app: direct };

  const bouncer = new PgBouncerServer({
    port: await freePort(),
    dir: join(root, 'pgbouncer'),
    postgres: { host: '127.0.0.1', port: postgres.port },
    users: [APP_USER],
    databases: [DATABASE],
  });
  cleanups.push(() => bouncer.stop());
  await bouncer.start();
  return {
    superuser,
    app: bouncer.url({ user: APP_USER.name, password: APP_USER.password, database: DATABASE }),
  };
}

/** One organisation, its owner and 1 + 250 companies, through the repositories (RLS applies). */
async function seed(appUrl: string): Promise<{ organisationId: string; email: string }> {
  const dataSource = createDataSource({ url: appUrl, applicationName: 'list-route-bench-seed' });
  await dataSource.initialize();
  try {
    const fixture = await seedOrganisation(dataSource, { name: 'Bench Prospection' });
    const org = fixture.organisationId;
    // Five transactions, so the companies do not all share one created_at.
    for (let batch = 0; batch < 5; batch += 1) {
      await runInTenantTransaction(dataSource, org, async (manager) => {
        const companies = createRepositories(
          manager,
          new CursorCodec(FIXTURE_CURSOR_SECRET),
        ).companies;
        for (let i = 0; i < EXTRA_COMPANIES / 5; i += 1) {
          const n = batch * (EXTRA_COMPANIES / 5) + i;
          await companies.create(org, {
            name: `Société ${String(n)}`,
            websiteUrl: `https://s${String(n)}.example.fr`,
            domain: `s${String(n)}.example.fr`,
            siren: validSiren(10_000 + n),
            nafCode: '62.01Z',
            employeeRange: '10-19',
            postalCode: '75008',
            city: 'Paris',
          });
        }
      });
    }
    return { organisationId: org, email: fixture.owner.email };
  } finally {
    await dataSource.destroy();
  }
}

async function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body: unknown = await response.json();
  return { status: response.status, body };
}

/** Both targets answer the same page: 50 items, same fields and values, same nextCursor. */
async function checkSameAnswer(targets: Target[], token: string): Promise<void> {
  const answers = await Promise.all(targets.map((target) => getJson(target.url, token)));
  for (const [i, answer] of answers.entries()) {
    const body = answer.body as { items?: unknown[]; nextCursor?: unknown };
    if (
      answer.status !== 200 ||
      body.items?.length !== PAGE ||
      typeof body.nextCursor !== 'string'
    ) {
      throw new Error(
        `${targets[i]?.name ?? '?'} answered ${String(answer.status)} ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    }
  }
  if (!isDeepStrictEqual(answers[0]?.body, answers[1]?.body)) {
    throw new Error(
      `the two targets answer differently:\n  bare: ${JSON.stringify(answers[0]?.body).slice(0, 400)}\n` +
        `  api:  ${JSON.stringify(answers[1]?.body).slice(0, 400)}`,
    );
  }
}

function load(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
}

async function measure(
  target: Target,
  round: number,
  token: string,
  beforeMeasuring: () => Promise<unknown>,
): Promise<Run> {
  const warm = await load(target.url, token, WARMUP_SECONDS);
  await beforeMeasuring();
  const cpuBefore = target.server.cpuMs();
  const result = await load(target.url, token, SECONDS);
  const cpuAfter = target.server.cpuMs();
  const ok = result['2xx'];
  return {
    target: target.name,
    round,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    non2xx: result.non2xx + warm.non2xx,
    errors: result.errors + warm.errors,
    cpuMsPerRequest: (cpuAfter - cpuBefore) / ok,
  };
}

/** Statements per request during the last measured run of a target (pg_stat_statements). */
async function statementsPerRequest(superuser: pg.Client, requests: number): Promise<string> {
  const { rows } = await superuser.query<{ calls: string; query: string }>(
    `SELECT s.calls::text, s.query FROM pg_stat_statements s
       JOIN pg_roles r ON r.oid = s.userid
      WHERE r.rolname = $1 AND s.calls >= $2 ORDER BY s.calls DESC, s.query`,
    [APP_USER.name, Math.floor(requests / 2)],
  );
  return rows
    .map(
      (row) =>
        `    ${(Number(row.calls) / requests).toFixed(2)} × ${row.query.replace(/\s+/g, ' ').slice(0, 110)}`,
    )
    .join('\n');
}

function printTable(runs: Run[]): void {
  const header = [
    'target',
    'round',
    'req/s',
    'p50 ms',
    'p99 ms',
    '2xx',
    'non-2xx',
    'errors',
    'CPU ms/req',
  ];
  const cells = runs.map((run) => [
    run.target,
    run.round === 0 ? 'mean' : String(run.round),
    run.requestsPerSecond.toFixed(0),
    run.p50.toFixed(1),
    run.p99.toFixed(1),
    String(run.ok),
    String(run.non2xx),
    String(run.errors),
    Number.isNaN(run.cpuMsPerRequest) ? '-' : run.cpuMsPerRequest.toFixed(2),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (row: string[]): string =>
    row
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of cells) console.log(line(row));
}

function mean(runs: Run[], name: Target['name']): Run {
  const mine = runs.filter((run) => run.target === name);
  const avg = (pick: (run: Run) => number): number =>
    mine.reduce((sum, run) => sum + pick(run), 0) / mine.length;
  const sum = (pick: (run: Run) => number): number => mine.reduce((s, run) => s + pick(run), 0);
  return {
    target: name,
    round: 0,
    requestsPerSecond: avg((run) => run.requestsPerSecond),
    p50: avg((run) => run.p50),
    p99: avg((run) => run.p99),
    ok: sum((run) => run.ok),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    cpuMsPerRequest: avg((run) => run.cpuMsPerRequest),
  };
}

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'api-list-bench-'));
  chmodSync(root, 0o755);
  cleanups.push(() => {
    rmSync(root, { recursive: true, force: true });
    return Promise.resolve();
  });
  const started = performance.now();
  const database = await startDatabase(root);
  const { organisationId, email } = await seed(database.app);
  const superuser = new pg.Client({ connectionString: database.superuser });
  await superuser.connect();
  cleanups.push(() => superuser.end());
  await superuser.query('VACUUM ANALYZE');

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = new RedisServer({ port: await freePort(), dir: root });
    cleanups.push(() => redis.stop());
    await redis.start();
    redisUrl = redis.url;
  }

  if (CPU_PROFILE) {
    rmSync(PROFILE_DIR, { recursive: true, force: true });
    mkdirSync(PROFILE_DIR, { recursive: true });
  }
  const profileArgs = (name: string): string[] =>
    CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [];
  const common = {
    DATABASE_URL: database.app,
    DB_POOL_SIZE: String(POOL_SIZE),
    AUTH_JWT_SECRET: JWT_SECRET,
    CURSOR_SECRET,
    // Required in production; the bench seals no secret, any valid key will do.
    MAILBOX_SECRET_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
    NODE_ENV: 'production',
  };
  const path = `/organisations/${organisationId}/companies?limit=${String(PAGE)}`;
  const targets: Target[] = [];
  for (const [name, script] of [
    ['bare', BARE_MAIN],
    ['api', API_MAIN],
  ] as const) {
    const port = await freePort();
    const server = new ChildServer(
      name,
      script,
      { ...common, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', REDIS_URL: redisUrl },
      profileArgs(name),
    );
    cleanups.push(() => server.stop());
    server.start();
    await server.waitReady(`http://127.0.0.1:${String(port)}/health/ready`);
    targets.push({ name, server, url: `http://127.0.0.1:${String(port)}${path}` });
  }
  const token = await mintDevToken({ secret: JWT_SECRET, email, expiresInSeconds: 3600 });
  await checkSameAnswer(targets, token);

  console.log(
    `PostgreSQL 18 ${VIA_PGBOUNCER ? 'through pgBouncer (transaction mode)' : 'direct'}, ` +
      `as ${APP_USER.name} (RLS); pool ${String(POOL_SIZE)} per server; 251 companies, ` +
      `page of ${String(PAGE)}; autocannon ${String(CONNECTIONS)} connections, ` +
      `${String(SECONDS)} s per run after ${String(WARMUP_SECONDS)} s warm-up, ` +
      `${String(ROUNDS)} rounds (bare, api, …); ready in ${((performance.now() - started) / 1000).toFixed(0)} s` +
      (CPU_PROFILE ? '; CPU PROFILING ON: figures are slower than usual' : ''),
  );
  console.log(`GET ${path}\n`);

  const runs: Run[] = [];
  const statements = new Map<Target['name'], string>();
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const target of targets) {
      const run = await measure(target, round, token, () =>
        superuser.query('SELECT pg_stat_statements_reset()'),
      );
      runs.push(run);
      statements.set(target.name, await statementsPerRequest(superuser, run.ok));
      console.log(
        `  round ${String(round)} ${target.name.padEnd(4)}: ${run.requestsPerSecond.toFixed(0)} req/s, ` +
          `p99 ${run.p99.toFixed(1)} ms`,
      );
    }
  }
  const bare = mean(runs, 'bare');
  const api = mean(runs, 'api');
  console.log('');
  printTable([...runs, bare, api]);
  const ratio = api.requestsPerSecond / bare.requestsPerSecond;
  const perRound = Array.from({ length: ROUNDS }, (_, i) => {
    const of = (name: Target['name']): number =>
      runs.find((run) => run.target === name && run.round === i + 1)?.requestsPerSecond ?? NaN;
    return `${(of('api') / of('bare')).toFixed(2)}×`;
  });
  console.log(
    `\napi / bare: ${ratio.toFixed(2)}× requests/s (target ≥ ${TARGET_RATIO.toFixed(1)}×) → ` +
      `${ratio >= TARGET_RATIO ? 'PASS' : 'BELOW'}; per round ${perRound.join(', ')}; ` +
      `p99 ${api.p99.toFixed(1)} ms vs ${bare.p99.toFixed(1)} ms`,
  );
  console.log(
    `CPU of the server process per request: api ${api.cpuMsPerRequest.toFixed(2)} ms vs bare ` +
      `${bare.cpuMsPerRequest.toFixed(2)} ms (bare / api = ${(bare.cpuMsPerRequest / api.cpuMsPerRequest).toFixed(2)}×: ` +
      `the ratio of requests/s a saturated core would give)`,
  );
  console.log(
    `baseline (issue 9, before the rework): api ≈ ${String(ISSUE_BASELINE.api)} req/s vs bare ≈ ` +
      `${String(ISSUE_BASELINE.bare)} (${(ISSUE_BASELINE.api / ISSUE_BASELINE.bare).toFixed(2)}×)`,
  );
  console.log('\nStatements per request (pg_stat_statements over the last measured run):');
  for (const target of targets) {
    console.log(`  ${target.name}:\n${statements.get(target.name) ?? ''}`);
  }

  const failed = runs.filter((run) => run.non2xx > 0 || run.errors > 0);
  if (CPU_PROFILE) {
    for (const target of targets) {
      await target.server.stop();
      const dir = join(PROFILE_DIR, target.name);
      const file = existsSync(dir)
        ? readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
        : undefined;
      const served = runs
        .filter((run) => run.target === target.name)
        .reduce((sum, run) => sum + run.ok + Math.round(run.requestsPerSecond * WARMUP_SECONDS), 0);
      console.log(`\nCPU profile of ${target.name} (${file ? resolve(dir, file) : 'missing'}):`);
      if (file) console.log(summariseCpuProfile(join(dir, file), served));
    }
  }
  if (failed.length > 0) {
    console.error(`\nFAILED: ${String(failed.length)} run(s) had non-2xx answers or errors`);
    for (const target of targets) {
      console.error(`--- last output of ${target.name}:\n${target.server.lastOutput()}`);
    }
    return 1;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
