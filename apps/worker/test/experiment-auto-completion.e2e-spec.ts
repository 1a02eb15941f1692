import type { INestApplicationContext } from '@nestjs/common';
import {
  CursorCodec,
  createDataSource,
  createRepositories,
  runInTenantTransaction,
  type OrganisationId,
} from '@outreach/db';
import {
  FIXTURE_CURSOR_SECRET,
  seedCampaignActivity,
  seedTwoOrganisations,
  type CampaignActivity,
} from '@outreach/db/testing';
import { freePort } from '@outreach/devstack';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { silentLog, testServiceEnv } from '@outreach/testing/http';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createWorker } from '../src/worker.factory.js';

interface ExperimentRow {
  status: string;
  winner_variant_id: string | null;
  decision: {
    verdict: string;
    method: string;
    metric: string;
    decidedBy: string;
    decidedAt: string;
    confidence: number;
    winnerVariantId: string;
    variants: { key: string; delivered: number; conversions: number; probabilityBest: number }[];
  } | null;
}

/*
 * Auto-completion through the worker: the scheduled evaluate-experiments job (every second
 * here) finds the running auto-completing experiments of every organisation through the system
 * path, and each evaluate-experiment job completes its experiment when a variant wins — with the
 * winner and the figures recorded — and leaves an underpowered one running. The same worker's
 * scheduled roll-up-campaign-stats job (every second too) rolls up the changed campaigns, and
 * its analyze-new-tables job (every second by default) gives a table's first rows statistics.
 */
describe('A/B auto-completion by the worker (e2e)', () => {
  let database: TestDatabase;
  let seeding: DataSource;
  let admin: pg.Client;
  let worker: INestApplicationContext | undefined;
  let orgA: OrganisationId;
  let orgB: OrganisationId;
  let clear: CampaignActivity;
  let underpowered: CampaignActivity;

  beforeAll(async () => {
    database = await createTestDatabase();
    seeding = await createDataSource({
      url: database.appUrl,
      applicationName: 'seed',
    }).initialize();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const fixture = await seedTwoOrganisations(seeding);
    orgA = fixture.a.organisationId;
    orgB = fixture.b.organisationId;
    // A: 400 prospects; variant B's delivered messages all get a human open (A: a third).
    clear = await seedCampaignActivity(seeding, orgA, { enrollments: 400, label: 'auto' });
    await admin.query(
      `INSERT INTO tracking.message_open_stats AS s (organisation_id, message_id, open_count,
              human_open_count, first_open_at, last_open_at, first_human_open_at, last_human_open_at,
              last_open_kind)
       SELECT organisation_id, id, 1, 1, sent_at, sent_at, sent_at, sent_at, 'human'
         FROM outreach.messages
        WHERE organisation_id = $1 AND variant_id = $2 AND status = 'sent'
       ON CONFLICT (organisation_id, message_id) DO UPDATE
          SET open_count = s.open_count + 1, human_open_count = s.human_open_count + 1,
              first_human_open_at = coalesce(s.first_human_open_at, s.first_open_at),
              last_human_open_at = coalesce(s.last_human_open_at, s.first_open_at)`,
      [orgA, clear.variantIds.B],
    );
    // B: 40 prospects, far from the sample a 5-point effect needs.
    underpowered = await seedCampaignActivity(seeding, orgB, { enrollments: 40, label: 'auto' });
    const codec = new CursorCodec(FIXTURE_CURSOR_SECRET);
    await runInTenantTransaction(seeding, orgA, (manager) =>
      createRepositories(manager, codec).experiments.configureDecision(orgA, clear.experimentId, {
        autoComplete: true,
        minSamplePerVariant: 50,
        minimumDetectableEffect: 0.2,
      }),
    );
    await runInTenantTransaction(seeding, orgB, (manager) =>
      createRepositories(manager, codec).experiments.configureDecision(
        orgB,
        underpowered.experimentId,
        { autoComplete: true },
      ),
    );
  });

  afterAll(async () => {
    await worker?.close();
    await admin.end();
    await seeding.destroy();
    await database.drop();
  });

  const experiment = async (org: string, id: string): Promise<ExperimentRow | undefined> =>
    (
      await admin.query<ExperimentRow>(
        'SELECT status, winner_variant_id, decision FROM outreach.step_experiments WHERE organisation_id = $1 AND id = $2',
        [org, id],
      )
    ).rows[0];

  it('completes the experiment a variant wins, records why, and leaves an underpowered one running', async () => {
    const env = testServiceEnv(database.appUrl, {
      PORT: String(await freePort()),
      EXPERIMENT_EVALUATION_EVERY_MS: '1000',
      STATS_ROLLUP_EVERY_MS: '1000',
    });
    worker = (await createWorker(env, { logDestination: silentLog })).app;
    const deadline = Date.now() + 60_000;
    let row = await experiment(orgA, clear.experimentId);
    while (row?.status !== 'completed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      row = await experiment(orgA, clear.experimentId);
    }
    expect(row?.status).toBe('completed');
    expect(row?.winner_variant_id).toBe(clear.variantIds.B);
    expect(row?.decision).toMatchObject({
      verdict: 'winner',
      method: 'bayesian_beta_binomial',
      metric: 'open_rate',
      decidedBy: 'worker:evaluate-experiment',
      confidence: 0.95,
      winnerVariantId: clear.variantIds.B,
    });
    // Figures of seedCampaignActivity(400): A 192 delivered, 64 opened; B 160, all opened.
    expect(row?.decision?.variants.map((v) => [v.key, v.delivered, v.conversions])).toEqual([
      ['A', 192, 64],
      ['B', 160, 160],
    ]);
    expect(row?.decision?.variants[1]?.probabilityBest).toBeGreaterThan(0.999);
    expect(Date.parse(row?.decision?.decidedAt ?? '')).not.toBeNaN();
    // Evaluated too (several runs by now), but never completed: not enough data.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await experiment(orgB, underpowered.experimentId)).toEqual({
      status: 'running',
      winner_variant_id: null,
      decision: null,
    });
  });

  it("rolls up every organisation's changed campaigns from the data, and again after a change", async () => {
    const codec = new CursorCodec(FIXTURE_CURSOR_SECRET);
    const stats = (org: OrganisationId, campaignId: string, read: 'auto' | 'live') =>
      runInTenantTransaction(seeding, org, (manager) =>
        createRepositories(manager, codec).campaignStats.forCampaign(org, campaignId, read),
      );
    const rolledUp = async (org: OrganisationId, campaignId: string) => {
      const deadline = Date.now() + 30_000;
      let current = await stats(org, campaignId, 'auto');
      while (current?.source !== 'rollup' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        current = await stats(org, campaignId, 'auto');
      }
      return current;
    };
    const figures = (value: Awaited<ReturnType<typeof stats>>) =>
      value && { total: value.total, steps: value.steps, variants: value.variants };
    for (const [org, campaignId] of [
      [orgA, clear.campaignId],
      [orgB, underpowered.campaignId],
    ] as const) {
      const current = await rolledUp(org, campaignId);
      expect(current?.source).toBe('rollup');
      expect(figures(current)).toEqual(figures(await stats(org, campaignId, 'live')));
    }
    // A late human reply to an old message: the trigger marks the campaign, the worker rebuilds.
    const before = await rolledUp(orgB, underpowered.campaignId);
    await admin.query(
      `INSERT INTO outreach.messages (organisation_id, direction, status, from_email, to_email,
              subject, received_at, inbound_class, replied_to_message_id)
       SELECT m.organisation_id, 'inbound', 'received', m.to_email, m.from_email, 'Re: late',
              now(), 'human_reply', m.id
         FROM outreach.messages m
        WHERE m.organisation_id = $1 AND m.direction = 'outbound' AND m.status = 'sent'
          AND m.to_email = 'p1-auto@activity.example'`,
      [orgB],
    );
    const after = await rolledUp(orgB, underpowered.campaignId);
    expect(after?.total.humanReplies).toBe((before?.total.humanReplies ?? 0) + 1);
    expect(after?.computedAt.getTime()).toBeGreaterThan(before?.computedAt.getTime() ?? 0);
  });

  it('analyses a table with rows but no statistics within seconds, not at autovacuum’s next round', async () => {
    const reltuples = async (table: string): Promise<number> =>
      (
        await admin.query<{ reltuples: number }>(
          'SELECT reltuples FROM pg_class WHERE oid = $1::regclass',
          [table],
        )
      ).rows[0]?.reltuples ?? Number.NaN;
    // As a table is before its first ANALYZE (the test database's autovacuum waits a minute).
    await admin.query(`SELECT pg_clear_relation_stats('crm', 'companies')`);
    expect(await reltuples('crm.companies')).toBe(-1);
    const deadline = Date.now() + 15_000;
    while ((await reltuples('crm.companies')) < 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await reltuples('crm.companies')).toBeGreaterThan(0);
    const { rows } = await admin.query<{ last: Date | null }>(
      `SELECT last_analyze AS last FROM pg_stat_user_tables WHERE relid = 'crm.companies'::regclass`,
    );
    expect(rows[0]?.last).not.toBeNull();
  });
});
