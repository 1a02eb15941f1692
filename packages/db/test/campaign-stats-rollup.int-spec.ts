import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import type { OrganisationId } from '../src/organisation-id.js';
import type {
  CampaignStats,
  DailySeries,
  MailboxStatsView,
} from '../src/repositories/campaign-stats.repository.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { createRepositories, type Repositories } from '../src/repositories/repositories.factory.js';
import { SystemDatabase } from '../src/system/index.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedCampaignActivity, type CampaignActivity } from '../src/testing/campaign-activity.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

const codec = new CursorCodec('campaign-stats-rollup-int-spec-secret');
const RANGE = { from: '2025-11-30', to: '2025-12-12' };

/** The figures without where they came from: a rollup and a live count must agree on these. */
function figuresOf(stats: CampaignStats | DailySeries | MailboxStatsView | null): unknown {
  if (!stats) return null;
  const { source: _source, computedAt: _computedAt, pendingChanges: _pending, ...rest } = stats;
  return rest;
}

/**
 * The stats rollup (analytics.campaign_stats_rollups) against the live computation on the same
 * data, before and after late events on old messages, and its tenancy.
 */
describe('campaign stats rollup on PostgreSQL 18 (as outreach_app_user, under RLS)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;
  let activity: CampaignActivity;
  let org: OrganisationId;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'db-stats-rollup' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
    org = fixture.a.organisationId;
    activity = await seedCampaignActivity(dataSource, org, { enrollments: 60, label: 'rollup' });
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const inOrg = <T>(
    organisationId: OrganisationId,
    work: (repos: Repositories, manager: EntityManager) => Promise<T>,
  ): Promise<T> =>
    runInTenantTransaction(dataSource, organisationId, (manager) =>
      work(createRepositories(manager, codec), manager),
    );
  const both = (read: 'auto' | 'live') =>
    inOrg(org, async (r) => ({
      stats: await r.campaignStats.forCampaign(org, activity.campaignId, read),
      daily: await r.campaignStats.daily(org, activity.campaignId, RANGE, read),
      mailboxes: await Promise.all(
        activity.mailboxIds.map((id) => r.campaignStats.forMailbox(org, id, read)),
      ),
    }));
  /** The outbound step-1 message of prospect i of the seeded activity. */
  const messageOf = async (i: number): Promise<string> =>
    inOrg(org, async (_r, manager) => {
      const rows = await manager.query<{ id: string }[]>(
        `SELECT m.id FROM outreach.messages m
          WHERE m.organisation_id = $1 AND m.direction = 'outbound' AND m.to_email = $2
            AND m.step_experiment_id IS NOT NULL`,
        [org, `p${String(i)}-rollup@activity.example`],
      );
      const id = rows[0]?.id;
      if (!id) throw new Error(`no message for prospect ${String(i)}`);
      return id;
    });

  it('answers from the rollup exactly what the live computation counts, late events included', async () => {
    const before = await both('live');
    expect(before.stats?.source).toBe('live');
    expect(before.stats?.total.sent).toBeGreaterThan(0);

    const built = await inOrg(org, async (r, manager) => {
      const result = await r.campaignStats.rebuildRollup(org, activity.campaignId);
      // A rebuild reads every message of the campaign: beyond the apps' 15 s statement timeout.
      const timeout = await manager.query<{ t: string }[]>(
        "SELECT current_setting('statement_timeout') AS t",
      );
      expect(timeout[0]?.t).toBe('10min');
      return result;
    });
    expect(built?.messages).toBe(before.stats?.total.sent);
    const fromRollup = await both('auto');
    expect(fromRollup.stats?.source).toBe('rollup');
    expect(fromRollup.stats?.pendingChanges).toBe(false);
    expect(fromRollup.stats?.computedAt).toEqual(built?.computedAt);
    expect(figuresOf(fromRollup.stats)).toEqual(figuresOf(before.stats));
    expect(figuresOf(fromRollup.daily)).toEqual(figuresOf(before.daily));
    expect(fromRollup.mailboxes.map((m) => m?.source)).toEqual(['rollup', 'rollup']);
    expect(fromRollup.mailboxes.map(figuresOf)).toEqual(before.mailboxes.map(figuresOf));
    expect(before.mailboxes.map((m) => m?.total.sent ?? 0).reduce((a, b) => a + b)).toBe(
      before.stats?.total.sent,
    );

    // Late events on old messages: a first human open, a human reply, a bounce after the send
    // (a hard DSN), an unsubscribe in words after the sequence, a one-click unsubscribe.
    const [opened, replied, bounced, wordsUnsubscribed, clicked] = await Promise.all(
      [1, 2, 17, 4, 5].map((i) => messageOf(i)),
    );
    await inOrg(org, async (_r, manager) => {
      await manager.query(
        `INSERT INTO tracking.message_open_stats (organisation_id, message_id, open_count,
                human_open_count, first_open_at, last_open_at, first_human_open_at,
                last_human_open_at, last_open_kind)
         VALUES ($1, $2, 1, 1, '2025-12-10T09:00:00Z', '2025-12-10T09:00:00Z',
                 '2025-12-10T09:00:00Z', '2025-12-10T09:00:00Z', 'human')`,
        [org, opened],
      );
      await manager.query(
        `INSERT INTO outreach.messages (organisation_id, direction, status, from_email, to_email,
                subject, received_at, inbound_class, replied_to_message_id)
         VALUES ($1, 'inbound', 'received', 'p2-rollup@activity.example', 'sales1-rollup@activity.example',
                 'Re: Objet', '2025-12-11T08:00:00Z', 'human_reply', $2),
                ($1, 'inbound', 'received', 'mailer-daemon@activity.example', 'sales1-rollup@activity.example',
                 'Undelivered', '2025-12-11T09:00:00Z', 'hard_bounce', $3)`,
        [org, replied, bounced],
      );
      await manager.query(
        `UPDATE outreach.messages SET status = 'bounced' WHERE organisation_id = $1 AND id = $2`,
        [org, bounced],
      );
      const words = await manager.query<{ id: string }[]>(
        `INSERT INTO outreach.messages (organisation_id, direction, status, from_email, to_email,
                subject, received_at, inbound_class, replied_to_message_id)
         VALUES ($1, 'inbound', 'received', 'p4-rollup@activity.example', 'sales1-rollup@activity.example',
                 'Re: Objet', '2025-12-12T08:00:00Z', 'unsubscribe_request', $2)
         RETURNING id`,
        [org, wordsUnsubscribed],
      );
      await manager.query(
        `INSERT INTO delivery.suppressions (organisation_id, kind, value, reason, source_message_id, created_at)
         VALUES ($1, 'email', 'p4-rollup@activity.example', 'unsubscribed', $2, '2025-12-12T08:00:00Z'),
                ($1, 'email', 'p5-rollup@activity.example', 'unsubscribed', $3, '2025-12-12T09:00:00Z')`,
        [org, words[0]?.id, clicked],
      );
    });

    const after = await both('live');
    const total = after.stats?.total;
    const was = before.stats?.total;
    expect(total?.uniqueHumanOpens).toBe((was?.uniqueHumanOpens ?? 0) + 1);
    expect(total?.humanReplies).toBe((was?.humanReplies ?? 0) + 1);
    expect(total?.bounced).toBe((was?.bounced ?? 0) + 1);
    expect(total?.delivered).toBe((was?.delivered ?? 0) - 1);
    expect(total?.unsubscribes).toBe((was?.unsubscribes ?? 0) + 2);
    // The change markers say the rollup is behind: a small campaign is then counted live.
    const changed = await both('auto');
    expect(changed.stats?.source).toBe('live');
    expect(figuresOf(changed.stats)).toEqual(figuresOf(after.stats));
    expect(changed.mailboxes.map((m) => m?.source)).toEqual(['live', 'live']);
    expect(changed.mailboxes.map(figuresOf)).toEqual(after.mailboxes.map(figuresOf));
    expect(await new SystemDatabase(dataSource).campaignStatsToRollUp()).toContainEqual({
      organisationId: org,
      campaignId: activity.campaignId,
    });

    const rebuilt = await inOrg(org, (r) =>
      r.campaignStats.rebuildRollup(org, activity.campaignId),
    );
    expect(rebuilt?.messages).toBe(total?.sent);
    const current = await both('auto');
    expect(current.stats?.source).toBe('rollup');
    expect(current.stats?.pendingChanges).toBe(false);
    expect(figuresOf(current.stats)).toEqual(figuresOf(after.stats));
    expect(figuresOf(current.daily)).toEqual(figuresOf(after.daily));
    expect(current.mailboxes.map((m) => m?.source)).toEqual(['rollup', 'rollup']);
    expect(current.mailboxes.map(figuresOf)).toEqual(after.mailboxes.map(figuresOf));
    expect(current.daily?.days.find((d) => d.day === '2025-12-12')?.unsubscribes).toBe(2);
    expect(await new SystemDatabase(dataSource).campaignStatsToRollUp()).not.toContainEqual(
      expect.objectContaining({ campaignId: activity.campaignId }),
    );
  });

  it("keeps each organisation's rollup to itself", async () => {
    const b = fixture.b.organisationId;
    await inOrg(org, (r) => r.campaignStats.rebuildRollup(org, activity.campaignId));
    await inOrg(b, async (r, manager) => {
      // Another organisation's campaign: not found, nothing rebuilt, nothing read.
      expect(await r.campaignStats.rebuildRollup(b, activity.campaignId)).toBeNull();
      expect(await r.campaignStats.forCampaign(b, activity.campaignId)).toBeNull();
      expect(await r.campaignStats.rebuildRollup(b, fixture.b.campaign.id)).toMatchObject({
        messages: 0,
      });
      const seen = await manager.query<{ rollups: number; states: number; foreign_rows: number }[]>(
        `SELECT (SELECT count(*) FROM analytics.campaign_stats_rollups)::int AS rollups,
                (SELECT count(*) FROM analytics.campaign_stats_rollup_states)::int AS states,
                (SELECT count(*) FROM analytics.campaign_stats_rollups
                  WHERE organisation_id <> $1)::int AS foreign_rows`,
        [b],
      );
      expect(seen[0]).toEqual({
        rollups: expect.any(Number) as number,
        states: 1,
        foreign_rows: 0,
      });
      // Row-level security refuses a row of another organisation.
      await expect(
        manager.query(
          `INSERT INTO analytics.campaign_stats_rollups (organisation_id, campaign_id) VALUES ($1, $2)`,
          [org, activity.campaignId],
        ),
      ).rejects.toThrow(/row-level security/);
    });
    const mine = await inOrg(org, (r) => r.campaignStats.forCampaign(org, activity.campaignId));
    expect(mine?.source).toBe('rollup');
    expect(mine?.total.sent).toBeGreaterThan(0);
  });
});
