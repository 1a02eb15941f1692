/**
 * Enrolling 100,000 positions by filter (issue 10, point 6): the time of one
 * `EnrollmentRepository.enroll` (the SQL behind `POST …/campaigns/:campaignId/enrollments`)
 * inside a tenant transaction, as the api runs it: logged in as outreach_app_user (row-level
 * security applies), the campaign looked up and locked (enrollmentTarget), then the one
 * set-based statement that classifies the candidates, inserts the enrollments and their first
 * tasks, and counts the skips; then COMMIT. The HTTP layer around it (JWT, validation, a 1 KB
 * body) is not measured here.
 *
 *   pnpm --filter @outreach/api bench:enroll
 *
 * A throw-away PostgreSQL 18 (devstack) migrated by the project's Migrator; one organisation
 * (seedOrganisation), then 1,000 companies and 100,000 people and positions seeded set-based
 * (seedBulkProspects: INSERT … SELECT generate_series), one suppressed domain (100 positions).
 * BENCH_POSITIONS resizes it.
 *
 * Target: under 5 s on this machine. Printed beside the figure; exits 1 only when the counts
 * are wrong.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CursorCodec,
  asOrganisationId,
  createDataSource,
  createRepositories,
  runInTenantTransaction,
  type EnrollmentResult,
} from '@outreach/db';
import { Migrator } from '@outreach/db/migrator';
import { FIXTURE_CURSOR_SECRET, seedBulkProspects, seedOrganisation } from '@outreach/db/testing';
import { PostgresServer, freePort } from '@outreach/devstack';

const POSITIONS = Number(process.env.BENCH_POSITIONS ?? '100000');
const COMPANIES = 1000;
const LIST = 'Bench list';
const TARGET_SECONDS = 5;
const DATABASE = 'bench';
const APP_USER = { name: 'outreach_app_user', password: 'outreach_app_user' };

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'enroll-bench-'));
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
      applicationName: 'enroll-bench',
      poolSize: 2,
      statementTimeoutMs: 60_000,
    }).initialize();
    try {
      const seeded = performance.now();
      const fixture = await seedOrganisation(dataSource, { name: 'Bench Prospection' });
      const org = asOrganisationId(fixture.organisationId);
      await seedBulkProspects(dataSource, org, {
        positions: POSITIONS,
        companies: COMPANIES,
        pharowListName: LIST,
      });
      const codec = new CursorCodec(FIXTURE_CURSOR_SECRET);
      const campaignId = await runInTenantTransaction(dataSource, org, async (manager) => {
        const repos = createRepositories(manager, codec);
        await repos.suppressions.create(org, {
          kind: 'domain',
          value: 'c1.bench.example',
          reason: 'manual',
        });
        const campaign = await repos.campaigns.create(org, { name: 'Bench campaign' });
        await repos.workflowSteps.create(org, {
          campaignId: campaign.id,
          stepOrder: 1,
          delayDays: 0,
          subjectTemplate: 'Bonjour',
          bodyTemplate: 'Hello',
        });
        return campaign.id;
      });
      // A live database has enrollments already, and autovacuum has analysed them. Enrolling
      // 1,000 positions into an earlier campaign, then ANALYZE, gives the planner those
      // statistics (BENCH_COLD=1 skips it): with
      // none (an analysed EMPTY campaign_enrollments), it cannot tell the unique index
      // (organisation_id, campaign_id, id) from the non-unique ones that share its prefix, and
      // the foreign-key check of every new task may scan the campaign's enrollments (quadratic;
      // printed below as the cold case).
      const cold = process.env.BENCH_COLD === '1';
      if (!cold) {
        const earlier = await runInTenantTransaction(dataSource, org, async (manager) => {
          const repos = createRepositories(manager, codec);
          const campaign = await repos.campaigns.create(org, { name: 'Earlier campaign' });
          const step = await repos.workflowSteps.create(org, {
            campaignId: campaign.id,
            stepOrder: 1,
            delayDays: 0,
            subjectTemplate: 'Bonjour',
            bodyTemplate: 'Hello',
          });
          return { campaignId: campaign.id, firstStep: { id: step.id, delayDays: 0 } };
        });
        const sample = await postgres.query('SELECT id FROM crm.positions LIMIT 1000', DATABASE);
        const positionIds = sample.rows.map((row: { id: string }) => row.id);
        await runInTenantTransaction(dataSource, org, (manager) =>
          createRepositories(manager, codec).enrollments.enroll(
            org,
            earlier.campaignId,
            { positionIds },
            { firstStep: earlier.firstStep },
          ),
        );
      }
      await postgres.query('VACUUM ANALYZE', DATABASE);
      console.log(
        `PostgreSQL 18 (embedded), as ${APP_USER.name} (RLS); seeded ${String(POSITIONS)} positions ` +
          `over ${String(COMPANIES)} companies in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
      );

      const enroll = async (): Promise<{ seconds: number; result: EnrollmentResult }> => {
        const started = performance.now();
        const result = await runInTenantTransaction(dataSource, org, async (manager) => {
          const repos = createRepositories(manager, codec);
          const target = await repos.enrollments.enrollmentTarget(org, campaignId);
          if (!target?.firstStep) throw new Error('bench campaign has no step');
          return repos.enrollments.enroll(
            org,
            campaignId,
            { filter: { pharowListName: LIST } },
            { firstStep: target.firstStep },
          );
        });
        return { seconds: (performance.now() - started) / 1000, result };
      };

      const first = await enroll();
      const again = await enroll();
      const suppressed = POSITIONS / COMPANIES;
      const verdict = first.seconds < TARGET_SECONDS ? 'PASS' : 'ABOVE TARGET';
      console.log(
        cold
          ? 'cold: campaign_enrollments analysed while empty (a new database)'
          : 'warm: 1,000 enrollments of an earlier campaign analysed (a live database)',
      );
      console.log(
        `enroll by filter (pharowListName), ${String(POSITIONS)} candidates: ` +
          `${first.seconds.toFixed(2)} s (target < ${String(TARGET_SECONDS)} s: ${verdict})`,
      );
      console.log(`  ${JSON.stringify(first.result)}`);
      console.log(
        `same call again (idempotent, nothing written): ${again.seconds.toFixed(2)} s ` +
          JSON.stringify(again.result),
      );
      const ok =
        first.result.enrolled === POSITIONS - suppressed &&
        first.result.skipped.suppressed === suppressed &&
        again.result.enrolled === 0 &&
        again.result.skipped.already_enrolled === POSITIONS - suppressed;
      if (!ok) console.error('WRONG COUNTS');
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
