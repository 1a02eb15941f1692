import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import type { OrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { createRepositories, type Repositories } from '../src/repositories/repositories.factory.js';
import { SystemDatabase } from '../src/system/index.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedCampaignActivity, type CampaignActivity } from '../src/testing/campaign-activity.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

const codec = new CursorCodec('campaign-stats-int-spec-secret');

/**
 * The figures of seedCampaignActivity with 40 prospects, counted by hand from its rules
 * (see campaign-activity.ts): step 1 sent 39 (1 failed), 35 delivered, 4 bounced (2 soft DSNs,
 * 1 hard DSN, 1 rejected at SMTP time); step 2 sent 15.
 */
describe('campaign stats on PostgreSQL 18 (as outreach_app_user, under RLS)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;
  let activity: CampaignActivity;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'db-campaign-stats' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
    activity = await seedCampaignActivity(dataSource, fixture.a.organisationId, {
      enrollments: 40,
      label: 'stats',
    });
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const inOrg = <T>(org: OrganisationId, work: (repos: Repositories) => Promise<T>): Promise<T> =>
    runInTenantTransaction(dataSource, org, (manager) => work(createRepositories(manager, codec)));
  const rate = (numerator: number, denominator: number) => ({
    numerator,
    denominator,
    rate: denominator === 0 ? null : numerator / denominator,
  });

  it('counts every figure of a campaign exactly: totals, steps, variants, mailboxes', async () => {
    const org = fixture.a.organisationId;
    const stats = await inOrg(org, (r) => r.campaignStats.forCampaign(org, activity.campaignId));
    expect(stats?.timezone).toBe('Europe/Paris');
    expect(stats?.total).toEqual({
      enrolled: 41,
      sent: 54,
      delivered: 50,
      bounced: 4,
      hardBounced: 2,
      softBounced: 2,
      uniqueHumanOpens: 12,
      totalOpens: 41,
      humanOpens: 24,
      machineOpens: 17,
      humanReplies: 5,
      autoReplies: 3,
      unsubscribes: 5,
      rates: {
        delivery: rate(50, 54),
        bounce: rate(4, 54),
        open: rate(12, 50),
        reply: rate(5, 50),
        autoReply: rate(3, 50),
        unsubscribe: rate(5, 50),
      },
    });
    expect(
      stats?.steps.map((s) => [
        s.stepOrder,
        s.sent,
        s.delivered,
        s.uniqueHumanOpens,
        s.unsubscribes,
      ]),
    ).toEqual([
      [1, 39, 35, 12, 5],
      [2, 15, 15, 0, 0],
    ]);
    expect(
      stats?.variants.map((v) => [
        v.variantKey,
        v.enrolled,
        v.sent,
        v.delivered,
        v.bounced,
        v.softBounced,
        v.uniqueHumanOpens,
        v.machineOpens,
        v.humanReplies,
        v.autoReplies,
        v.unsubscribes,
      ]),
    ).toEqual([
      ['A', 20, 19, 19, 0, 0, 7, 7, 3, 2, 3],
      ['B', 20, 20, 16, 4, 2, 5, 10, 2, 1, 2],
    ]);
    expect(stats?.mailboxes.map((m) => [m.mailboxId, m.sent, m.delivered])).toEqual([
      [activity.mailboxIds[0], 39, 35],
      [activity.mailboxIds[1], 15, 15],
    ]);
  });

  it('gives a daily series in the campaign time zone, each event on its own day', async () => {
    const org = fixture.a.organisationId;
    const series = await inOrg(org, (r) =>
      r.campaignStats.daily(org, activity.campaignId, { from: '2025-11-30', to: '2025-12-08' }),
    );
    expect(series?.days.map((d) => d.day)).toHaveLength(9);
    const day = (iso: string) => series?.days.find((d) => d.day === iso);
    expect(day('2025-11-30')).toEqual({
      day: '2025-11-30',
      enrolled: 0,
      sent: 0,
      delivered: 0,
      bounced: 0,
      uniqueHumanOpens: 0,
      totalOpens: 0,
      machineOpens: 0,
      humanReplies: 0,
      autoReplies: 0,
      unsubscribes: 0,
    });
    expect(day('2025-12-01')).toMatchObject({
      enrolled: 41,
      sent: 7,
      delivered: 3,
      bounced: 4,
      uniqueHumanOpens: 1,
      totalOpens: 3,
      machineOpens: 1,
      humanReplies: 1,
    });
    expect(day('2025-12-02')).toMatchObject({
      sent: 8,
      uniqueHumanOpens: 3,
      autoReplies: 1,
      unsubscribes: 1,
    });
    expect(day('2025-12-05')).toMatchObject({ sent: 11, delivered: 11, unsubscribes: 2 });
    expect(day('2025-12-08')).toMatchObject({ sent: 4, delivered: 4 });
    const sum = (key: 'sent' | 'unsubscribes' | 'totalOpens' | 'machineOpens') =>
      series?.days.reduce((total, d) => total + d[key], 0);
    expect(sum('sent')).toBe(54);
    expect(sum('unsubscribes')).toBe(5);
    expect(sum('totalOpens')).toBe(41);
    expect(sum('machineOpens')).toBe(17);
  });

  it('counts each experiment variant on its metric, every variant listed', async () => {
    const org = fixture.a.organisationId;
    const experiments = await inOrg(org, (r) =>
      r.campaignStats.experiments(org, { campaignId: activity.campaignId }),
    );
    expect(experiments).toHaveLength(1);
    expect(experiments?.[0]).toMatchObject({
      experimentId: activity.experimentId,
      metric: 'open_rate',
      status: 'running',
      autoComplete: false,
      confidence: 0.95,
      minSamplePerVariant: 100,
      minimumDetectableEffect: 0.05,
      decision: null,
    });
    expect(experiments?.[0]?.variants).toEqual([
      {
        variantId: activity.variantIds.A,
        key: 'A',
        weight: 1,
        delivered: 19,
        uniqueHumanOpens: 7,
        humanReplies: 3,
      },
      {
        variantId: activity.variantIds.B,
        key: 'B',
        weight: 1,
        delivered: 16,
        uniqueHumanOpens: 5,
        humanReplies: 2,
      },
    ]);
  });

  it('answers zeros and null rates for a campaign without activity', async () => {
    const org = fixture.b.organisationId;
    const stats = await inOrg(org, (r) => r.campaignStats.forCampaign(org, fixture.b.campaign.id));
    expect(stats?.total.sent).toBe(0);
    expect(stats?.total.rates.open).toEqual({ numerator: 0, denominator: 0, rate: null });
  });

  it("never reads another organisation's campaign, mailbox or experiment", async () => {
    const org = fixture.b.organisationId;
    await inOrg(org, async (r) => {
      expect(await r.campaignStats.forCampaign(org, activity.campaignId)).toBeNull();
      expect(await r.campaignStats.forMailbox(org, activity.mailboxIds[0])).toBeNull();
      expect(
        await r.campaignStats.daily(org, activity.campaignId, {
          from: '2025-12-01',
          to: '2025-12-02',
        }),
      ).toBeNull();
      expect(
        await r.campaignStats.experiments(org, { experimentId: activity.experimentId }),
      ).toBeNull();
    });
  });

  it('gives a mailbox its figures, total and per campaign', async () => {
    const org = fixture.a.organisationId;
    const view = await inOrg(org, (r) => r.campaignStats.forMailbox(org, activity.mailboxIds[0]));
    expect(view?.total).toMatchObject({
      sent: 39,
      delivered: 35,
      uniqueHumanOpens: 12,
      unsubscribes: 5,
    });
    expect(view?.campaigns.map((c) => [c.campaignId, c.sent])).toEqual([[activity.campaignId, 39]]);
  });

  it('completes an experiment with its decision; the system path lists auto-completing ones', async () => {
    const org = fixture.a.organisationId;
    await inOrg(org, (r) =>
      r.experiments.configureDecision(org, activity.experimentId, {
        autoComplete: true,
        confidence: 0.9,
      }),
    );
    const system = new SystemDatabase(dataSource);
    expect(await system.experimentsToEvaluate()).toContainEqual({
      organisationId: org,
      experimentId: activity.experimentId,
    });
    const completed = await inOrg(org, (r) =>
      r.experiments.completeWithDecision(org, activity.experimentId, activity.variantIds.A, {
        method: 'test',
      }),
    );
    expect(completed).toMatchObject({
      status: 'completed',
      winnerVariantId: activity.variantIds.A,
      decision: { method: 'test' },
      confidence: 0.9,
    });
    expect(await system.experimentsToEvaluate()).not.toContainEqual(
      expect.objectContaining({ experimentId: activity.experimentId }),
    );
    // Completed: neither configurable nor completable again.
    await inOrg(org, async (r) => {
      expect(
        await r.experiments.configureDecision(org, activity.experimentId, { confidence: 0.95 }),
      ).toBeNull();
      expect(
        await r.experiments.completeWithDecision(
          org,
          activity.experimentId,
          activity.variantIds.B,
          {},
        ),
      ).toBeNull();
    });
  });
});
