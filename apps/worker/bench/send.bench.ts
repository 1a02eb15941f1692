/*
 * Send bench: 20,000 e-mails end to end — due tasks in PostgreSQL 18 (behind pgBouncer in
 * transaction mode, as in production) → the claim scheduler → BullMQ (its own Redis) → render →
 * SMTP into a local smtp-server sink — by the built worker as a real process, beside the bare
 * nodemailer → sink ceiling (pooled transport, the worker's SMTP_POOL_CONNECTIONS and
 * DELIVERY_CONCURRENCY, its client a process of its own as the worker is) measured in the same
 * run, before and after the engine (the ratio is against their mean: this machine's speed drifts,
 * and the ceiling measured after the engine was 8–17 % lower than before it in three runs).
 * Prints sends/s of both and their ratio, duplicates counted at the sink (by Message-ID and by recipient), the tasks' outcomes and the
 * claim-to-send p95 from the worker's `outreach_claim_to_send_seconds` histogram (/metrics,
 * interpolated in its bucket as Prometheus' histogram_quantile does). Numbers only: no assertion.
 *
 *
 * Also printed: how many of outreach.messages' updates were HOT (heap-only, no index entry), CPU
 * seconds of the run per process (the worker processes, PostgreSQL with its backends and
 * autovacuum, pgBouncer, Redis, this process with the sink) and the load average,
 * since wall figures on a shared machine are noise — and the figures before (BEFORE).
 * Figures (20,000 mails, defaults, this 2-core machine shared with other benches):
 * - before (2026-11-30 afternoon): 133 mails/s vs ceiling 1078 (0.12), PostgreSQL 8.1 ms of CPU
 *   per mail, worker 2.65 ms, load 9; a second run 141 vs 918 (0.15). PostgreSQL's time went to
 *   the context read scanning the organisation's messages (an EXISTS hashed over all of them, and
 *   plans cached while the tables were empty), and to the stats rollup job: its first rebuild,
 *   planned on a table without statistics, nested a scan of the messages in the scan of the
 *   tasks and ran for minutes on a core of its own.
 * - after (V20251231_300000, the rollup without nested loops, statistics within 5 s):
 *   216 mails/s vs 1123 (0.19), PostgreSQL 3.0 ms per mail, worker 2.2 ms, load 8; 265 vs 1274
 *   (0.21) at load 5, the same CPU per mail; with V20251231_300100 (no marker query for a
 *   `sending` insert) 287 vs 1115 (0.26), PostgreSQL 2.7 ms, worker 2.1 ms, load 3–9; without the
 *   5 s statistics (autovacuum_naptime 1 min) 158–166 mails/s, PostgreSQL 5.9–6.3 ms per mail.
 * - 2026-12-01, 12,000 mails, three runs interleaved with the code before: the engine's three
 *   statements one per batch of sends (V20251231_500000) 267–341 mails/s vs 811–1106 (0.24–0.42),
 *   PostgreSQL 1.87–2.31 ms, worker 2.28–2.97 ms per mail; before 214–240 vs 1023–1172
 *   (0.18–0.23), PostgreSQL 3.76–4.30 ms, worker 2.81–3.16 ms.
 * - 2026-12-01, later: one round trip per organisation for the three kinds (12,000 mails, three
 *   runs interleaved with the code before, 20 in flight) 372–449 vs 1018–1184 (0.31–0.40),
 *   PostgreSQL 1.26–1.57 ms per mail against 1.48–1.78; then 100 sends in flight by default and
 *   the apps' 64 MB young generation (20,000 mails, seven runs): 579–745 mails/s vs 1191–1345
 *   (0.43–0.56, median 0.53), PostgreSQL 0.79–0.98 ms, worker 1.10–1.51 ms per mail; three more
 *   runs an hour later, the machine slower (the sink's CPU per mail up 45 %): 438–493 vs
 *   1096–1164 (0.38–0.44), worker 1.70–2.08 ms. With the ceiling measured on both sides of the
 *   engine: 527 / 533 / 594 mails/s vs means of 1094 / 1176 / 1076 (0.48 / 0.45 / 0.55).
 * - 2026-12-01 afternoon: each message composed once by nodemailer, random bytes drawn in
 *   batches, the engine's clock started once the worker answers ready (its ~2.5 s start-up was
 *   counted as sending time): five runs 490–553 mails/s vs 947–1152 (0.46–0.54, median 0.49),
 *   worker 1.40–1.73 ms and PostgreSQL 1.13–1.22 ms per mail, on a slower machine than the
 *   morning's (ceiling 883–1211 against 1191–1345).
 * - 2026-12-01 evening: the worker's analyze-new-tables job gives the tables their first
 *   statistics within a second, and the bench runs on PostgreSQL's default autovacuum_naptime
 *   (1 min) instead of 5 s (fewer ANALYZE runs during the run, each of which re-planned every
 *   connection's cached statements): four interleaved pairs 522–595 mails/s, PostgreSQL
 *   1.05–1.20 ms per mail, ratios 0.44–0.54, against 458–519, 1.27–1.41 ms, 0.46–0.51; twelve
 *   runs of the final code 490–601 mails/s, ratios 0.44–0.55, median 0.51 (8 of 12 ≥ 0.50).
 * - 2026-12-01, 13:25–14:40 UTC, a quiet machine (load 1.5–2.5, ceiling 1544–1885 mails/s): the
 *   same code, twelve runs, 947–1193 mails/s, ratios 0.53–0.65 (median 0.59), PostgreSQL
 *   0.50–0.69 ms and worker 0.64–0.86 ms per mail; then the send's update of its message HOT
 *   (V20251231_700000: 67–72 % of the updates heap-only, the update statement 127–130 µs per mail
 *   against 148–240), twelve runs 830–1116 mails/s, ratios 0.54–0.64 (median 0.58), PostgreSQL
 *   0.56–0.70 ms, worker 0.70–0.88 ms (the machine a little slower: the worker's code had not
 *   changed); then three of the messages' indexes partial (V20251231_710000), six runs
 *   938–1094 mails/s, ratios 0.52–0.65 (median 0.60). 0 duplicates and every task completed in
 *   all 30.
 *
 * BENCH_PG_SETTINGS (JSON) adds settings to the bench's PostgreSQL (auto_explain, another
 * autovacuum_naptime…).
 *
 * BENCH_WORKERS (a comma-separated list, default `1`) runs the engine once per entry with that many
 * worker processes (same PostgreSQL, pgBouncer and Redis, a fresh organisation each) and prints
 * the runs side by side: `BENCH_WORKERS=1,3` is the scale-out figure (docs/scale-out.md).
 *
 *   pnpm --filter @outreach/worker bench   (BENCH_MAILS=20000 BENCH_WORKERS=1 DELIVERY_CONCURRENCY=100
 *   SMTP_POOL_CONNECTIONS=5 CLAIM_BATCH_SIZE=200 CLAIM_EVERY_MS=200 BENCH_CPU_PROFILE=<dir>)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createDataSource } from '@outreach/db';
import { migrateDatabase } from '@outreach/db/migrator';
import {
  PgBouncerServer,
  PostgresServer,
  RedisServer,
  SmtpSink,
  freePort,
} from '@outreach/devstack';
import { DEFAULT_DELIVERY_CONCURRENCY } from '../src/config/worker-config.schema.js';
import { enrollProspects, seedCampaign, select } from '../test/delivery/engine-fixture.js';

const MAILS = Number(process.env.BENCH_MAILS ?? 20_000);
/** BENCH_CPU_PROFILE=<dir>: each worker process writes a V8 .cpuprofile there when it stops. */
const PROFILE_ARGS = process.env.BENCH_CPU_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
  : [];
/** The worker's default unless DELIVERY_CONCURRENCY says otherwise (the ceiling's too). */
const CONCURRENCY = process.env.DELIVERY_CONCURRENCY ?? String(DEFAULT_DELIVERY_CONCURRENCY);
/** BENCH_PG_STATEMENTS=1: pg_stat_statements (nested statements too); the costliest are printed. */
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
/** BENCH_PG_SETTINGS='{"autovacuum_naptime":"5s"}': more settings of the bench's PostgreSQL. */
const PG_SETTINGS = JSON.parse(process.env.BENCH_PG_SETTINGS ?? '{}') as Record<string, string>;
const POOL = process.env.SMTP_POOL_CONNECTIONS ?? '5';
const BATCH = process.env.CLAIM_BATCH_SIZE ?? '200';
const EVERY = process.env.CLAIM_EVERY_MS ?? '200';
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1')
  .split(',')
  .map((value) => Number(value.trim()))
  .filter((value) => Number.isInteger(value) && value > 0);
/** The figures before this bench's last change (see the header), printed beside the run's. */
const BEFORE =
  'before (the send’s update not HOT, 2026-12-01 13:25 UTC, a quiet machine, twelve runs): 947–1193 mails/s (ratios 0.53–0.65, median 0.59), PostgreSQL 0.50–0.69 ms and worker 0.64–0.86 ms of CPU per mail';
const MAIN = fileURLToPath(new URL('../../main.js', import.meta.url));
/** Node's flags as the Dockerfile's CMD runs the apps; the ceiling's client gets them too. */
const NODE_FLAGS = ['--max-semi-space-size=64'];
const AUTH = { username: 'sink-user', password: 'sink-password' };
const APP_USER = 'outreach_app_user';

/**
 * The bare client of the ceiling, as a process of its own (as the worker is): the same number
 * of mails through one pooled nodemailer transport, `concurrency` sends in flight. Prints seconds.
 */
const CEILING_CLIENT = `
import nodemailer from 'nodemailer';
const [port, mails, pool, concurrency] = process.argv.slice(1).map(Number);
const transport = nodemailer.createTransport({
  host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true,
  maxConnections: pool, maxMessages: 100,
  auth: { user: 'sink-user', pass: 'sink-password' },
});
const body = 'Bonjour Claire,\\n\\nUn mot pour Dupont & Fils.\\n\\nSe désinscrire : https://t.example/u/x';
let next = 0;
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < mails) {
    const n = ++next;
    await transport.sendMail({
      from: '"Sophie Martin" <sophie@bench.example.com>',
      to: 'claire.' + n + '@dupont' + n + '.example.fr',
      subject: 'Bonjour Claire',
      text: body,
      html: '<p>' + body + '</p><img src="https://t.example/p/x.gif" alt="">',
      messageId: '<bench-' + n + '@bench.example.com>',
    });
  }
}));
console.log(Number(process.hrtime.bigint() - started) / 1e9);
transport.close();
`;

/** Resolves once the worker on this port answers GET /health/ready with 200 (PostgreSQL and Redis up). */
async function untilReady(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${String(port)}/health/ready`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline)
      throw new Error(`the worker on port ${String(port)} is not ready after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The bare ceiling: nodemailer → the same kind of sink, no engine. */
async function ceiling(): Promise<{ perSecond: number; duplicates: number }> {
  const sink = await SmtpSink.start({ auth: AUTH });
  const seconds = await new Promise<number>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...NODE_FLAGS,
        '--input-type=module',
        '-e',
        CEILING_CLIENT,
        String(sink.port),
        String(MAILS),
        POOL,
        CONCURRENCY,
      ],
      {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      if (code === 0) resolve(Number(out.trim()));
      else reject(new Error(`the ceiling client exited with ${String(code)}`));
    });
  });
  await sink.waitForCount(MAILS, 60_000);
  const duplicates = sink.duplicates().length;
  await sink.stop();
  return { perSecond: MAILS / seconds, duplicates };
}

/** CPU seconds of the run's processes. */
interface Cpu {
  workers: number;
  postgres: number;
  bouncer: number;
  redis: number;
  bench: number;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** A process's own CPU seconds and its reaped children's (utime, stime, cutime, cstime). */
function processCpu(pid: number): { own: number; reaped: number } {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = (index: number): number => Number(fields[index] ?? 0);
    return { own: (tick(11) + tick(12)) / TICKS, reaped: (tick(13) + tick(14)) / TICKS };
  } catch {
    return { own: 0, reaped: 0 };
  }
}

/** CPU seconds of a process and every descendant, live or reaped (a server and its backends). */
function treeCpu(pid: number): number {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const walk = (at: number): number => {
    const { own, reaped } = processCpu(at);
    return own + reaped + (parents.get(at) ?? []).reduce((sum, child) => sum + walk(child), 0);
  };
  return walk(pid);
}

/** The first line of `/proc/loadavg` (1, 5 and 15 minute load averages). */
function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/** p95 of a Prometheus histogram in the text format, interpolated within its bucket. */
function histogramQuantile(text: string, name: string, q: number): number | null {
  const buckets: Array<[number, number]> = [];
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\S+)$`).exec(line);
    if (match?.[1] && match[2]) buckets.push([Number(match[1]), Number(match[2])]);
  }
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previous: [number, number] = [0, 0];
  for (const bucket of buckets) {
    if (bucket[1] >= rank) {
      if (!Number.isFinite(bucket[0])) return previous[0];
      const inBucket = bucket[1] - previous[1];
      return previous[0] + (bucket[0] - previous[0]) * ((rank - previous[1]) / (inBucket || 1));
    }
    previous = bucket;
  }
  return null;
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the worker's build first`);
  const root = mkdtempSync(join(tmpdir(), 'worker-send-bench-'));
  chmodSync(root, 0o755); // the servers run as an unprivileged user when we are root
  const postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      max_connections: 200,
      // autovacuum_naptime stays PostgreSQL's (1 min), as on a new deployment: the worker's
      // analyze-new-tables job gives the tables their first statistics within a second (the
      // bench set 5 s before it, so that the plans cached while its tables had none were
      // replaced within seconds; BENCH_PG_SETTINGS='{"autovacuum_naptime":"5s"}' for that).
      ...(PG_STATEMENTS
        ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' }
        : {}),
      ...PG_SETTINGS,
    },
  });
  const redis = new RedisServer({ port: await freePort(), dir: root });
  const bouncer = new PgBouncerServer({
    port: await freePort(),
    dir: join(root, 'pgbouncer'),
    postgres: { host: '127.0.0.1', port: postgres.port },
    users: [{ name: APP_USER, password: APP_USER }],
  });
  let stopWorker = (): void => undefined;
  const sink = await SmtpSink.start({ auth: AUTH });
  try {
    await postgres.start();
    await postgres.query('CREATE DATABASE outreach');
    await migrateDatabase(postgres.url('outreach'));
    await postgres.query(`CREATE ROLE ${APP_USER} LOGIN PASSWORD '${APP_USER}'`);
    await postgres.query(`GRANT outreach_app TO ${APP_USER}`);
    if (PG_STATEMENTS) await postgres.query('CREATE EXTENSION pg_stat_statements', 'outreach');
    await redis.start();
    await bouncer.start();
    const direct = `postgres://${APP_USER}:${APP_USER}@127.0.0.1:${postgres.port}/outreach`;
    // The processes whose CPU the run's figures count: PostgreSQL's postmaster (its backends are
    // its children), pgBouncer and Redis; the sink runs in this process.
    const postmasterPid = Number(
      readFileSync(join(root, 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const bouncerPid = Number(readFileSync(join(root, 'pgbouncer', 'pgbouncer.pid'), 'utf8'));
    const info = new Redis(redis.url);
    const redisPid = Number(/process_id:(\d+)/.exec(await info.info('server'))?.[1] ?? 0);
    info.disconnect();
    const pooled = `postgres://${APP_USER}:${APP_USER}@127.0.0.1:${bouncer.port}/outreach`;

    console.log(`send bench: ${MAILS} mails, concurrency ${CONCURRENCY}, SMTP pool ${POOL}`);
    const bare = await ceiling();
    console.log(
      `bare nodemailer → smtp-server: ${bare.perSecond.toFixed(0)} mails/s (duplicates ${bare.duplicates})`,
    );

    const dataSource = createDataSource({ url: direct, applicationName: 'send-bench' });
    await dataSource.initialize();
    const runs: Array<{
      workers: number;
      perSecond: number;
      seconds: number;
      cpu: Cpu;
      load: string;
    }> = [];
    for (const workers of WORKER_COUNTS) {
      const fixture = await seedCampaign(
        dataSource,
        { smtpPort: sink.port, dailyCap: 100_000, minSpacingSeconds: 0 },
        [{}],
        { dailyLimit: 100_000 },
      );
      // In chunks: one statement for 20,000 prospects outlasts the statement timeout.
      for (let seeded = 0; seeded < MAILS; seeded += 2_000) {
        const offset = seeded;
        await enrollProspects(dataSource, fixture, Math.min(2_000, MAILS - seeded), {
          email: (index) =>
            `claire.${offset + index}@w${workers}.dupont${offset + index}.example.fr`,
        });
      }
      const before = sink.received.length;
      const ports: number[] = [];
      const children: ChildProcess[] = [];
      for (let i = 0; i < workers; i += 1) {
        const port = await freePort();
        ports.push(port);
        children.push(
          spawn(process.execPath, [...NODE_FLAGS, ...PROFILE_ARGS, MAIN], {
            env: {
              ...process.env,
              NODE_ENV: 'development',
              DATABASE_URL: pooled,
              REDIS_URL: redis.url,
              PORT: String(port),
              HOST: '127.0.0.1',
              LOG_LEVEL: 'warn',
              DB_POOL_SIZE: String(Math.max(2, Math.floor(10 / workers))),
              DELIVERY_CONCURRENCY: CONCURRENCY,
              SMTP_POOL_CONNECTIONS: POOL,
              CLAIM_BATCH_SIZE: BATCH,
              CLAIM_EVERY_MS: EVERY,
              TRACKER_PUBLIC_URL: 'https://t.example.test',
            },
            stdio: ['ignore', 'ignore', 'inherit'],
          }),
        );
      }
      stopWorker = () => {
        for (const child of children) child.kill('SIGTERM');
      };
      const cpuAt = (): Cpu => ({
        workers: children.reduce((sum, child) => sum + processCpu(child.pid ?? 0).own, 0),
        postgres: treeCpu(postmasterPid),
        bouncer: processCpu(bouncerPid).own,
        redis: processCpu(redisPid).own,
        bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      });
      // The engine's clock starts once every worker answers ready, as the ceiling's starts once
      // its client has loaded: sends per second, not the ~3 s a worker takes to start (Node
      // loading its modules, Nest, the connections), printed apart. Mails already sent by then
      // are left out of the count.
      const spawned = process.hrtime.bigint();
      await Promise.all(ports.map((port) => untilReady(port)));
      const startup = Number(process.hrtime.bigint() - spawned) / 1e9;
      const sentDuringStartup = sink.received.length - before;
      const measured = MAILS - sentDuringStartup;
      const cpuBefore = cpuAt();
      const started = process.hrtime.bigint();
      await sink.waitForCount(before + MAILS, 30 * 60_000);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpuAfter = cpuAt();
      const load = loadAverage();
      const perSecond = measured / seconds;
      const cpu: Cpu = Object.fromEntries(
        Object.entries(cpuAfter).map(([key, value]) => [key, value - cpuBefore[key as keyof Cpu]]),
      ) as unknown as Cpu;
      runs.push({ workers, perSecond, seconds, cpu, load });

      // Let the last records land, then read the outcomes and the workers' histograms.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const outcomes = await select<{ status: string; count: string }>(
        dataSource,
        fixture.organisationId,
        `SELECT status, count(*) AS count FROM outreach.tasks GROUP BY status ORDER BY status`,
      );
      // How many of the messages' updates (sending → sent) were HOT: no index entry written.
      const [updates] = (
        await postgres.query(
          `SELECT n_tup_upd AS updated, n_tup_hot_upd AS hot FROM pg_stat_user_tables
            WHERE relid = 'outreach.messages'::regclass`,
          'outreach',
        )
      ).rows as { updated: string; hot: string }[];
      const p95s = await Promise.all(
        ports.map(async (port) => {
          const metrics = await fetch(`http://127.0.0.1:${port}/metrics`)
            .then((response) => (response.ok ? response.text() : ''))
            .catch(() => '');
          return histogramQuantile(metrics, 'outreach_claim_to_send_seconds', 0.95);
        }),
      );
      stopWorker();
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              if (child.exitCode !== null) resolve(undefined);
              else child.once('exit', resolve);
            }),
        ),
      );
      stopWorker = () => undefined;

      console.log(
        `engine, ${workers} worker process${workers > 1 ? 'es' : ''} (pgBouncer): ${perSecond.toFixed(0)} mails/s, ` +
          `${String(measured)} mails in ${seconds.toFixed(1)} s once ready (start-up ${startup.toFixed(1)} s, ` +
          `${String(sentDuringStartup)} mails sent during it)`,
      );
      const perMail = (value: number): string => `${((value * 1_000) / measured).toFixed(2)} ms`;
      console.log(
        `  CPU seconds: worker${workers > 1 ? 's' : ''} ${cpu.workers.toFixed(1)} (${perMail(cpu.workers)}/mail), ` +
          `PostgreSQL ${cpu.postgres.toFixed(1)} (${perMail(cpu.postgres)}/mail), pgBouncer ${cpu.bouncer.toFixed(1)}, ` +
          `Redis ${cpu.redis.toFixed(1)}, bench + sink ${cpu.bench.toFixed(1)}; load average ${load}`,
      );
      console.log(`  tasks: ${outcomes.map((row) => `${row.status} ${row.count}`).join(', ')}`);
      console.log(
        `  outreach.messages since the start: ${updates?.updated ?? '?'} rows updated, ${updates?.hot ?? '?'} of them HOT (no index entry)`,
      );
      console.log(
        `  claim-to-send p95 per process: ${p95s.map((p95) => (p95 === null ? 'n/a' : `${p95.toFixed(2)} s`)).join(', ')} ` +
          '(outreach_claim_to_send_seconds: send job enqueued → send job done)',
      );
    }
    await dataSource.destroy();
    // The ceiling again, after the engine: this shared machine's speed drifts over a run, so the
    // ratio is taken against the mean of the two measures, one on either side of the engine's.
    const bareAfter = await ceiling();
    console.log(
      `bare nodemailer → smtp-server, after the engine: ${bareAfter.perSecond.toFixed(0)} mails/s (duplicates ${bareAfter.duplicates})`,
    );
    const ceilingPerSecond = (bare.perSecond + bareAfter.perSecond) / 2;

    const recipients = new Map<string, number>();
    for (const mail of sink.received) {
      for (const to of mail.to) recipients.set(to, (recipients.get(to) ?? 0) + 1);
    }
    const twice = [...recipients.values()].filter((count) => count > 1).length;
    const first = runs[0];
    console.log('');
    console.log(
      `| worker processes | mails/s | seconds | × ${String(first?.workers ?? 1)} process | engine / ceiling |`,
    );
    console.log('| ---------------- | ------- | ------- | ----------- | ---------------- |');
    for (const run of runs) {
      console.log(
        `| ${run.workers} | ${run.perSecond.toFixed(0)} | ${run.seconds.toFixed(1)} | ` +
          `${(run.perSecond / (first?.perSecond ?? run.perSecond)).toFixed(2)} | ` +
          `${(run.perSecond / ceilingPerSecond).toFixed(2)} |`,
      );
    }
    console.log(
      `ceiling (bare nodemailer → smtp-server): ${ceilingPerSecond.toFixed(0)} mails/s, the mean of ` +
        `${bare.perSecond.toFixed(0)} before and ${bareAfter.perSecond.toFixed(0)} after the engine; ratio target ≥ 0.5`,
    );
    console.log(
      `duplicates at the sink: ${sink.duplicates().length} by Message-ID, ${twice} by recipient (target 0)`,
    );
    console.log(BEFORE);
    if (PG_STATEMENTS) await printCostliestStatements(postgres, MAILS * runs.length);
  } finally {
    stopWorker();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await sink.stop();
    if (bouncer.running) await bouncer.stop();
    await redis.stop();
    if (postgres.running) await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();

/** The statements that cost PostgreSQL the most over the whole run (BENCH_PG_STATEMENTS=1). */
async function printCostliestStatements(postgres: PostgresServer, mails: number): Promise<void> {
  const { rows } = await postgres.query(
    `SELECT calls, round(total_exec_time)::bigint AS total_ms, rows, toplevel,
            shared_blks_hit + shared_blks_read AS blocks,
            regexp_replace(left(query, 140), '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'outreach')
      ORDER BY total_exec_time DESC LIMIT 20`,
    'outreach',
  );
  console.log('');
  console.log(
    `PostgreSQL's costliest statements (total ms; µs per mail over ${String(mails)}; buffers read per call):`,
  );
  for (const row of rows as {
    calls: string;
    total_ms: string;
    rows: string;
    toplevel: boolean;
    blocks: string;
    query: string;
  }[]) {
    const perMail = ((Number(row.total_ms) * 1_000) / mails).toFixed(0);
    const perCall = (Number(row.blocks) / Math.max(1, Number(row.calls))).toFixed(0);
    console.log(
      `${row.total_ms.padStart(7)} ms ${perMail.padStart(6)} µs ${row.calls.padStart(7)} calls ` +
        `${perCall.padStart(6)} buf ${row.toplevel ? 'top   ' : 'nested'} ${row.query}`,
    );
  }
  // Round trips: every top-level statement the clients sent (the tenant settings are one per
  // round trip of a tenant transaction), most frequent first.
  const { rows: calls } = await postgres.query(
    `SELECT sum(calls)::bigint AS calls, regexp_replace(left(query, 90), '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'outreach') AND toplevel
      GROUP BY 2 ORDER BY 1 DESC LIMIT 12`,
    'outreach',
  );
  console.log('');
  console.log(`Top-level statements, most frequent (per mail over ${String(mails)}):`);
  for (const row of calls as { calls: string; query: string }[]) {
    const perMail = (Number(row.calls) / mails).toFixed(2);
    console.log(`${row.calls.padStart(8)} ${perMail.padStart(6)} ${row.query}`);
  }
}
