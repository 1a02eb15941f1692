/**
 * Campaign stats over 1,000,000 messages (issue 15, point 1): the time of
 * `CampaignStatsRepository.forCampaign` (the SQL behind `GET …/campaigns/:campaignId/stats`:
 * totals, per step, per A/B variant, per mailbox, enrolled and unsubscribes) inside a tenant
 * transaction as the api runs it — logged in as outreach_app_user, row-level security on —
 * beside its baseline: a plain count(*) of the same outbound messages joined to their tasks.
 *
 *   pnpm --filter @outreach/api bench:stats
 *
 * A throw-away PostgreSQL 18 (devstack) migrated by the project's Migrator; one organisation,
 * then seedCampaignActivity (set-based INSERT … SELECT generate_series): BENCH_MESSAGES
 * (default 1,000,000) step-1 messages of one campaign (2 % failed, 10 % bounced, opens on a
 * third, replies, out-of-office, unsubscribes) with their tasks, enrollments, positions, open
 * statistics and ~310,000 inbound messages (DSNs, replies), then VACUUM ANALYZE. Also the daily
 * series (31 days) and the experiments read. Runs each query 7 times after one warm-up and prints
 * the median and the worst.
 *
 * Target: the campaign stats under 200 ms. Printed beside the figure; exits 1 only when the
 * counts are wrong.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CursorCodec,
  asOrganisationId,
  createDataSource,
  createRepositories,
  runInTenantTransaction,
  type OrganisationId,
  type Repositories,
} from '@outreach/db';
import { Migrator } from '@outreach/db/migrator';
import {
  FIXTURE_CURSOR_SECRET,
  seedCampaignActivity,
  seedOrganisation,
} from '@outreach/db/testing';
import { PostgresServer, freePort } from '@outreach/devstack';
import type { DataSource } from 'typeorm';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? '1000000');
const RUNS = 7;
const TARGET_MS = 200;
const DATABASE = 'bench';
const APP_USER = { name: 'outreach_app_user', password: 'outreach_app_user' };

async function timed(
  dataSource: DataSource,
  org: OrganisationId,
  work: (repos: Repositories) => Promise<unknown>,
): Promise<{ median: number; worst: number; result: unknown }> {
  const codec = new CursorCodec(FIXTURE_CURSOR_SECRET);
  const once = async (): Promise<{ ms: number; result: unknown }> => {
    const started = performance.now();
    const result = await runInTenantTransaction(dataSource, org, (manager) =>
      work(createRepositories(manager, codec)),
    );
    return { ms: performance.now() - started, result };
  };
  await once();
  const runs: { ms: number; result: unknown }[] = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await once());
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    worst: sorted.at(-1) ?? 0,
    result: runs[0]?.result,
  };
}

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'stats-bench-'));
  chmodSync(root, 0o755); // the embedded PostgreSQL may run as another user
  const postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: { max_connections: 100 },
  });
  try {
    await postgres.start();
    await postgres.query(`CREATE DATABASE ${DATABASE}`);
    const migrator = new Migrator({ databaseUrl: postgres.url(DATABASE) });
    try {
      await migrator.migrate();
    } finally {
      await migrator.close();
    }
    await postgres.query(`CREATE ROLE ${APP_USER.name} LOGIN PASSWORD '${APP_USER.password}'`);
    await postgres.query(`GRANT outreach_app TO ${APP_USER.name}`);
    const dataSource = await createDataSource({
      url: `postgres://${APP_USER.name}:${APP_USER.password}@127.0.0.1:${String(postgres.port)}/${DATABASE}`,
      applicationName: 'stats-bench',
      poolSize: 2,
      statementTimeoutMs: 3_600_000, // seeding 1,000,000 messages (five foreign keys each) is long
    }).initialize();
    try {
      const seeded = performance.now();
      const fixture = await seedOrganisation(dataSource, { name: 'Bench Prospection' });
      const org = asOrganisationId(fixture.organisationId);
      const activity = await seedCampaignActivity(dataSource, org, {
        enrollments: MESSAGES,
        label: 'bench',
        stepOneOnly: true,
      });
      await postgres.query('VACUUM ANALYZE', DATABASE);
      const counts = await postgres.query(
        `SELECT count(*) FILTER (WHERE direction = 'outbound')::int AS outbound,
                count(*) FILTER (WHERE direction = 'inbound')::int AS inbound
           FROM outreach.messages`,
        DATABASE,
      );
      const row = counts.rows[0] as { outbound: number; inbound: number };
      console.log(
        `PostgreSQL 18 (embedded), as ${APP_USER.name} (RLS), ${String(cpus().length)} CPUs (shared); ` +
          `seeded ${String(row.outbound)} outbound + ${String(row.inbound)} inbound messages of one campaign ` +
          `in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
      );

      const baseline = await timed(dataSource, org, (repos) =>
        repos.campaignStats.outboundCount(org, activity.campaignId),
      );
      const stats = await timed(dataSource, org, (repos) =>
        repos.campaignStats.forCampaign(org, activity.campaignId),
      );
      const daily = await timed(dataSource, org, (repos) =>
        repos.campaignStats.daily(org, activity.campaignId, {
          from: '2025-11-30',
          to: '2025-12-30',
        }),
      );
      const experiments = await timed(dataSource, org, (repos) =>
        repos.campaignStats.experiments(org, { campaignId: activity.campaignId }),
      );
      const ms = (value: number): string => `${value.toFixed(0)} ms`;
      const verdict = stats.median < TARGET_MS ? 'PASS' : 'ABOVE TARGET';
      console.log(
        `baseline count(*) of the campaign's outbound messages (tasks ⋈ messages): median ${ms(baseline.median)}, worst ${ms(baseline.worst)}`,
      );
      console.log(
        `campaign stats (totals, steps, variants, mailboxes): median ${ms(stats.median)}, worst ${ms(stats.worst)} ` +
          `(target < ${String(TARGET_MS)} ms: ${verdict}; ${(stats.median / Math.max(baseline.median, 0.001)).toFixed(1)}× the baseline)`,
      );
      console.log(`daily series, 31 days: median ${ms(daily.median)}, worst ${ms(daily.worst)}`);
      console.log(
        `experiments with A/B counts: median ${ms(experiments.median)}, worst ${ms(experiments.worst)}`,
      );
      const total = (stats.result as { total: { sent: number } } | null)?.total;
      const expectedSent = MESSAGES - Math.floor((MESSAGES + 25) / 50);
      const ok = total?.sent === expectedSent && baseline.result === MESSAGES;
      if (!ok) {
        console.error(
          `WRONG COUNTS: sent ${String(total?.sent)} (expected ${String(expectedSent)}), baseline ${String(baseline.result)}`,
        );
      }
      return ok ? 0 : 1;
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();
