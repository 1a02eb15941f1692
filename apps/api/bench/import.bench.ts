/**
 * The prospect import end to end (issue 11, point 7): a synthetic 100,000-row Pharow export
 * (@outreach/pharow/sample: French headers, accents, 4 people per company, every 50th row bad)
 * uploaded to the built api (multipart, streamed into staging with COPY), then validated and
 * merged by the built worker; timed until the import reads `completed`. Beside it, in the same
 * run, a raw server-side `COPY … FROM '<file>' (FORMAT csv)` of the same file into a bare table
 * (one text column per line): the floor no import can beat.
 *
 *   pnpm exec turbo run build --filter=@outreach/api --filter=@outreach/worker
 *   pnpm --filter @outreach/api bench:import        BENCH_IMPORT_ROWS (100000) resizes it
 *
 * A throw-away PostgreSQL 18 and Redis (devstack), migrated by the project's Migrator; the apps
 * log in as outreach_app_user (row-level security applies). Prints each phase (upload until the
 * 202, queued until the job starts, validation, merge: when the import's status changes, polled
 * every 50 ms) and the CPU seconds of the api, the worker and PostgreSQL during the import (wall
 * times stretch when other work shares the machine; CPU seconds much less).
 * BENCH_IMPORT_SHUFFLE=1 shuffles the file's rows (a company's people no longer on neighbouring
 * rows: every merge batch then shares companies with the one before, so none merges beside it).
 * BENCH_IMPORT_EXPLAIN=<ms> logs the plans (auto_explain: ANALYZE, BUFFERS, nested statements)
 * of the statements slower than that to a file. Target: the whole import of 100,000 rows in
 * under 10 s on this machine. Printed, not asserted.
 *
 * Figures (30 November 2026, 2 shared cores; wall times follow the load, CPU seconds much less):
 * - before (merge batches of 20,000, validated twice, three statements with the worker building
 *   each payload between them; positions' unique e-mail key on the citext column): at load 4–5,
 *   upload 2.23 s, queued → started 0.62 s, validation 1.71 s, merge 19.30 s, whole import
 *   23.9 s, CPU seconds api 3.4, worker 6.1, PostgreSQL 17.7; at load 9.7, 29.9 s (CPU 3.9, 6.4,
 *   19.1).
 * - after (positions_email_key on email_key, V20251231_200000; the merge pipelined: the next
 *   batch read, validated and encoded while this one's statements run, ids passed between the
 *   statements in temporary tables, the first batch taken from the validation): at load 11.3,
 *   upload 2.96 s, queued → started 0.52 s, validation 1.81 s, merge 21.35 s, whole import 26.6 s,
 *   CPU seconds api 3.2, worker 4.7, PostgreSQL 13.3; at load 9.3, CPU 4.0, 5.0, 14.0.
 *   On the quiet machine (load under 1): whole import 16.47–16.79 s.
 * - after (each batch validated and merged in one transaction, no validation pass of its own; no
 *   queue delay; json payloads; work_mem 64 MB; the next
 *   batch read on another connection; a first batch of 5,000): quiet machine, upload 2.1 s,
 *   queued → started 0.06 s, first batch 0.7 s, the rest 10.5 s, whole import 13.3 s, CPU
 *   seconds api 2.5, worker 2.8–3.0, PostgreSQL 11.4–11.5.
 * - after (1 December 2026, quiet machine; time-ordered ids, COPY of the batch's rows, and two
 *   batches of 10,000 merging at once when they share no merge key): the same day's code without
 *   the lanes 13.36–14.03 s (PostgreSQL CPU 11.2–11.9); with them, three runs, upload 2.08–2.16 s,
 *   first batch 0.75–0.84 s, the rest 6.54–6.74 s, whole import 9.55 / 9.57 / 9.66 s (CPU seconds
 *   api 2.3–2.5, worker 3.2–3.5, PostgreSQL 10.6–11.0): under the 10 s target. With a first batch
 *   of 2,500 instead of 5,000, three runs: first batch 0.38–0.47 s, the rest 6.33–6.96 s, whole
 *   import 8.95 / 9.29 / 9.74 s (PostgreSQL 10.1–10.4). The same file shuffled
 *   (BENCH_IMPORT_SHUFFLE=1: neighbouring batches share companies, so they merge in turn): 13.53 s.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDataSource } from '@outreach/db';
import { seedOrganisation } from '@outreach/db/testing';
import { PostgresServer, RedisServer, freePort } from '@outreach/devstack';
import { generatePharowCsv } from '@outreach/pharow/sample';
import { mintDevToken } from '@outreach/tenancy/http';
import { ChildServer } from './child-server.js';
import { prepareBenchDatabase } from './bench-database.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? '100000');
const TARGET_SECONDS = 10;
const SHUFFLE = process.env.BENCH_IMPORT_SHUFFLE === '1';
/** BENCH_IMPORT_EXPLAIN=<ms>: log the plans (EXPLAIN ANALYZE, BUFFERS) of statements slower than that. */
const EXPLAIN_MS = process.env.BENCH_IMPORT_EXPLAIN
  ? Number(process.env.BENCH_IMPORT_EXPLAIN)
  : null;
const explainLog: string[] = [];
/**
 * BENCH_PG_SETTINGS='{"log_min_duration_statement":"50"}': more settings of the bench's
 * PostgreSQL; its log then goes to the same file as the plans.
 */
const PG_SETTINGS = JSON.parse(process.env.BENCH_PG_SETTINGS ?? '{}') as Record<string, string>;
const LOGGED = EXPLAIN_MS !== null || Object.keys(PG_SETTINGS).length > 0;
/** BENCH_CPU_PROFILE=<dir>: the api and the worker each write a V8 .cpuprofile there when they stop. */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE ?? null;
const profiled = (name: string): string[] =>
  CPU_PROFILE_DIR === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROFILE_DIR, name)}`];
const JWT_SECRET = 'import-bench-jwt-secret-0123456789abcdef';
const API_MAIN = fileURLToPath(new URL('../../main.js', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../../../worker/dist/main.js', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const step of cleanups.reverse()) {
    await step().catch((error: unknown) => {
      console.error('clean-up step failed:', error);
    });
  }
}

interface ImportAnswer {
  id: string;
  status: string;
  rows: { total: number; validated: number; merged: number; rejected: number };
  companies: { created: number };
  people: { created: number };
  positions: { created: number };
  percentage: number;
}

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'api-import-bench-'));
  chmodSync(root, 0o755);
  cleanups.push(() => {
    rmSync(root, { recursive: true, force: true });
    return Promise.resolve();
  });

  const postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: {
      max_connections: 100,
      synchronous_commit: 'off',
      ...PG_SETTINGS,
      ...(EXPLAIN_MS === null
        ? {}
        : {
            shared_preload_libraries: 'auto_explain',
            'auto_explain.log_min_duration': EXPLAIN_MS,
            'auto_explain.log_analyze': 'on',
            'auto_explain.log_buffers': 'on',
            'auto_explain.log_nested_statements': 'on',
          }),
    },
    ...(LOGGED ? { onLog: (line: string) => explainLog.push(line) } : {}),
  });
  cleanups.push(() => postgres.stop());
  await postgres.start();
  const { superuserUrl, appUrl } = await prepareBenchDatabase(postgres);

  const seeding = createDataSource({ url: appUrl, applicationName: 'import-bench-seed' });
  await seeding.initialize();
  const fixture = await seedOrganisation(seeding, { name: 'Bench Import' });
  await seeding.destroy();

  const redis = new RedisServer({ port: await freePort(), dir: root });
  cleanups.push(() => redis.stop());
  await redis.start();

  const generated = generatePharowCsv({ rows: ROWS, seed: 7, badEvery: 50 });
  const csv = SHUFFLE ? shuffledRows(generated) : generated;
  const file = join(root, 'pharow-export.csv');
  writeFileSync(file, csv);
  chmodSync(file, 0o644);
  const bytes = Buffer.byteLength(csv);

  const common = {
    DATABASE_URL: appUrl,
    REDIS_URL: redis.url,
    AUTH_JWT_SECRET: JWT_SECRET,
    CURSOR_SECRET: 'import-bench-cursor-secret',
    MAILBOX_SECRET_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
  };
  const apiPort = await freePort();
  const api = new ChildServer(
    'api',
    API_MAIN,
    { ...common, PORT: String(apiPort) },
    profiled('api'),
  );
  const workerPort = await freePort();
  const worker = new ChildServer(
    'worker',
    WORKER_MAIN,
    { ...common, PORT: String(workerPort) },
    profiled('worker'),
  );
  for (const [server, port] of [
    [api, apiPort],
    [worker, workerPort],
  ] as const) {
    cleanups.push(() => server.stop());
    server.start();
    await server.waitReady(`http://127.0.0.1:${String(port)}/health/ready`);
  }
  const token = await mintDevToken({
    secret: JWT_SECRET,
    email: fixture.owner.email,
    expiresInSeconds: 3600,
  });
  const base = `http://127.0.0.1:${String(apiPort)}/organisations/${fixture.organisationId}/imports`;

  // The floor: PostgreSQL reading the same file itself into a bare table, no checks at all.
  const superuser = new pg.Client({ connectionString: superuserUrl });
  await superuser.connect();
  cleanups.push(() => superuser.end());
  // One text column per line (FORMAT text with a separator the file never holds): the file's
  // rows with a wrong cell count go in too.
  await superuser.query('CREATE TABLE bare_import (line text)');
  const copyStarted = performance.now();
  await superuser.query(`COPY bare_import FROM '${file}' WITH (FORMAT text, DELIMITER E'\\x01')`);
  const copySeconds = (performance.now() - copyStarted) / 1000;

  const pgDataDir = join(root, 'pgdata');
  const cpuBefore = {
    api: api.cpuMs(),
    worker: worker.cpuMs(),
    postgres: postgresCpuMs(pgDataDir),
  };
  const loadBefore = loadavg()[0] ?? NaN;
  const started = performance.now();
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'pharow-export.csv');
  const response = await fetch(base, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const uploaded = (await response.json()) as ImportAnswer;
  const uploadedAt = performance.now();
  if (response.status !== 202) {
    console.error('upload refused:', uploaded);
    return 1;
  }
  // When each status was first seen (polled every 50 ms): queued → validating → merging → done.
  const seen = new Map<string, number>();
  let last: ImportAnswer;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const progress = await fetch(`${base}/${uploaded.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    last = (await progress.json()) as ImportAnswer;
    if (!seen.has(last.status)) seen.set(last.status, performance.now());
    if (last.status === 'completed' || last.status === 'failed') break;
    if (performance.now() - started > 600_000) break;
  }
  const finishedAt = performance.now();
  const cpu = {
    api: (api.cpuMs() - cpuBefore.api) / 1000,
    worker: (worker.cpuMs() - cpuBefore.worker) / 1000,
    postgres: (postgresCpuMs(pgDataDir) - cpuBefore.postgres) / 1000,
  };
  const validatingAt = seen.get('validating') ?? seen.get('merging') ?? finishedAt;
  const mergingAt = seen.get('merging') ?? finishedAt;
  const seconds = (from: number, to: number): number => (to - from) / 1000;
  const rate = (value: number): string =>
    Number.isFinite(value) && value > 0
      ? `${Math.round(ROWS / value).toLocaleString('en')} rows/s`
      : '';
  const totalSeconds = seconds(started, finishedAt);

  console.log(
    `${ROWS.toLocaleString('en')} rows${SHUFFLE ? ' (shuffled)' : ''}, ` +
      `${(bytes / 1_048_576).toFixed(1)} MB; PostgreSQL 18 direct, ` +
      `api and worker as outreach_app_user (RLS); status ${last.status}; ` +
      `${String(cpus().length)} CPUs, load average ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? NaN).toFixed(1)} after`,
  );
  const row = (step: string, value: number, cumulative?: number) => ({
    step,
    seconds: value.toFixed(2),
    rate: rate(value),
    ...(cumulative === undefined ? {} : { 'since upload start': cumulative.toFixed(2) }),
  });
  console.table([
    row('raw COPY (server-side file, bare table)', copySeconds),
    row(
      'upload (HTTP → staging COPY, 202)',
      seconds(started, uploadedAt),
      seconds(started, uploadedAt),
    ),
    row('queued → job started', seconds(uploadedAt, validatingAt), seconds(started, validatingAt)),
    row(
      'validating (first batch validated + merged)',
      seconds(validatingAt, mergingAt),
      seconds(started, mergingAt),
    ),
    row(
      'merging (the other batches)',
      seconds(mergingAt, finishedAt),
      seconds(started, finishedAt),
    ),
    row('upload + validation + merge', totalSeconds),
  ]);
  console.log(
    `CPU seconds during the import: api ${cpu.api.toFixed(1)}, worker ${cpu.worker.toFixed(1)}, ` +
      `PostgreSQL ${cpu.postgres.toFixed(1)} (all its processes) — the figure to compare when the machine is shared`,
  );
  console.log(
    `rows: ${JSON.stringify(last.rows)}; created: ${String(last.companies.created)} companies, ` +
      `${String(last.people.created)} people, ${String(last.positions.created)} positions`,
  );
  console.log(
    `target: the whole import in < ${String(TARGET_SECONDS)} s → ${totalSeconds.toFixed(2)} s ` +
      `(${totalSeconds < TARGET_SECONDS ? 'met' : 'NOT met'}); ${(totalSeconds / copySeconds).toFixed(1)}× the raw COPY`,
  );
  if (LOGGED) {
    const out = join(tmpdir(), `import-bench-plans-${String(process.pid)}.log`);
    writeFileSync(out, explainLog.join('\n'));
    console.log(`PostgreSQL's log (plans over BENCH_IMPORT_EXPLAIN ms, if set): ${out}`);
  }
  return last.status === 'completed' ? 0 : 1;
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * User + system CPU time of the PostgreSQL server, in ms: the postmaster (with its reaped
 * children) plus every live child (backends, background workers), from /proc. NaN without /proc.
 */
function postgresCpuMs(dataDir: string): number {
  try {
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const parent = Number(fields[1]);
      if (pid !== postmaster && parent !== postmaster) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      if (pid === postmaster) ticks += Number(fields[13]) + Number(fields[14]);
    }
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

main()
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(error);
    await cleanUp();
    process.exit(1);
  });

/** The CSV's data lines in a fixed pseudo-random order (Fisher–Yates, a 32-bit LCG), header first. */
function shuffledRows(csv: string): string {
  const [header = '', ...lines] = csv.replace(/\r\n$/, '').split('\r\n');
  let state = 7;
  for (let i = lines.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const j = state % (i + 1);
    [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
  }
  return `${[header, ...lines].join('\r\n')}\r\n`;
}
