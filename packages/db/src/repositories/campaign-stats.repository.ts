import type { EntityManager } from 'typeorm';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import type {
  StepExperimentMetric,
  StepExperimentStatus,
} from '../outreach/step-experiment-status.js';
import { runQuery } from './entity-rows.js';

/** A rate with the figures it is made of: `rate` is null when the denominator is 0. */
export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}

/**
 * The figures of a set of outbound messages (a campaign, a step, an A/B variant, a mailbox).
 * - sent: handed to SMTP (status sent or bounced); delivered: sent and not bounced;
 * - bounced: status bounced; soft when an inbound DSN classed soft_bounce answers it (and none
 *   hard_bounce), hard otherwise (a hard DSN, or a rejection at SMTP time);
 * - opens over delivered messages: uniqueHumanOpens = messages with at least one human open
 *   ("opened"), totalOpens / humanOpens / machineOpens = pixel fetches;
 * - replies over delivered messages, each message counted once: humanReplies (inbound
 *   human_reply), autoReplies (auto_reply or out_of_office);
 * - unsubscribes: suppressions with reason unsubscribed whose source is one of these messages —
 *   the outbound message whose one-click link was used (tracker), or the inbound "unsubscribe in
 *   words" answering it (inbound reader) — whatever became of the enrollment (a prospect who
 *   unsubscribes after the sequence completed counts too).
 */
export interface StatsFigures {
  /** Enrollments (campaign total), assignments (A/B variant); null where it has no meaning. */
  enrolled: number | null;
  sent: number;
  delivered: number;
  bounced: number;
  hardBounced: number;
  softBounced: number;
  uniqueHumanOpens: number;
  totalOpens: number;
  humanOpens: number;
  machineOpens: number;
  humanReplies: number;
  autoReplies: number;
  unsubscribes: number;
  rates: {
    /** delivered / sent */
    delivery: Rate;
    /** bounced / sent */
    bounce: Rate;
    /** uniqueHumanOpens / delivered */
    open: Rate;
    /** humanReplies / delivered */
    reply: Rate;
    /** autoReplies / delivered */
    autoReply: Rate;
    /** unsubscribes / delivered */
    unsubscribe: Rate;
  };
}

export interface StepStats extends StatsFigures {
  stepId: string;
  stepOrder: number;
}

export interface VariantStats extends StatsFigures {
  stepId: string;
  experimentId: string;
  variantId: string;
  variantKey: string;
}

export interface MailboxStats extends StatsFigures {
  mailboxId: string;
  mailboxEmail: string | null;
}

/**
 * Where a campaign's figures came from: `rollup` (analytics.campaign_stats_rollups, rebuilt by
 * the worker) or `live` (counted from the data in this request). `computedAt`: every change
 * committed before it is counted. `pendingChanges`: the data changed after computedAt and the
 * figures do not show it yet (a large campaign between two rollups; the worker rebuilds it).
 */
export interface StatsFreshness {
  source: 'rollup' | 'live';
  computedAt: Date;
  pendingChanges: boolean;
}

export interface CampaignStats extends StatsFreshness {
  campaignId: string;
  timezone: string;
  total: StatsFigures;
  /** Every step of the campaign, in step order (zeros before any send). */
  steps: StepStats[];
  /** A/B variants with at least one sent message, by step order then key. */
  variants: VariantStats[];
  /** Sending mailboxes with at least one sent message, by e-mail. */
  mailboxes: MailboxStats[];
}

export interface CampaignOfMailboxStats extends StatsFigures {
  campaignId: string;
  campaignName: string;
}

export interface MailboxStatsView {
  mailboxId: string;
  /**
   * rollup: every campaign of the mailbox from its rollup; live: all counted in this request;
   * mixed: campaigns whose rollup is current from it, the others (changed, small) live.
   */
  source: 'rollup' | 'live' | 'mixed';
  /** Every change committed before this time is counted (the oldest rollup read, or now). */
  computedAt: Date;
  /** A large campaign changed after its rollup: its figures here do not show it yet. */
  pendingChanges: boolean;
  total: StatsFigures;
  /** Campaigns that sent through the mailbox, by name. */
  campaigns: CampaignOfMailboxStats[];
}

/** One day of a campaign (a calendar day in the campaign's time zone). */
export interface DailyStats {
  day: string;
  enrolled: number;
  sent: number;
  delivered: number;
  bounced: number;
  /** Messages whose first human open fell on that day. */
  uniqueHumanOpens: number;
  /**
   * Pixel fetches (all, and by machines) of the messages first opened that day: the open
   * statistics are kept per message (counts, first and last fetch), not per fetch, so a
   * message's fetches count on the day of its first one.
   */
  totalOpens: number;
  machineOpens: number;
  /** Messages that got their first human reply that day. */
  humanReplies: number;
  autoReplies: number;
  /** Unsubscribes (suppressions, as in StatsFigures) recorded that day. */
  unsubscribes: number;
}

export interface DailySeries extends StatsFreshness {
  campaignId: string;
  timezone: string;
  from: string;
  to: string;
  days: DailyStats[];
}

/** What a rebuild of a campaign's rollup wrote. */
export interface RollupResult {
  campaignId: string;
  computedAt: Date;
  /** Rollup rows written. */
  rows: number;
  /** Outbound messages counted (sent or bounced). */
  messages: number;
  durationMs: number;
}

/** The campaign's dates in its time zone: the day it was created and today. */
export interface CampaignSpan {
  campaignId: string;
  timezone: string;
  firstDay: string;
  today: string;
}

/**
 * A changed campaign with fewer outbound messages than this is counted live (exact, and fast
 * at that size); from this size on, its rollup answers (with pendingChanges) until the worker's
 * next rebuild.
 */
export const LIVE_STATS_MAX_MESSAGES = 20_000;

/**
 * The statement timeout of a rollup rebuild (transaction-local): it reads every message of the
 * campaign (tens of seconds at 1,000,000 on a busy machine), beyond the apps' 15 s default.
 */
export const ROLLUP_STATEMENT_TIMEOUT_MS = 600_000;

export interface ExperimentVariantCount {
  variantId: string;
  key: string;
  weight: number;
  /** Delivered messages of the variant (status sent). */
  delivered: number;
  /** Delivered messages with at least one human open. */
  uniqueHumanOpens: number;
  /** Delivered messages with at least one human reply. */
  humanReplies: number;
}

export interface ExperimentCounts {
  experimentId: string;
  stepId: string;
  stepOrder: number;
  name: string;
  status: StepExperimentStatus;
  metric: StepExperimentMetric;
  autoComplete: boolean;
  confidence: number;
  minSamplePerVariant: number;
  minimumDetectableEffect: number;
  winnerVariantId: string | null;
  decision: Record<string, unknown> | null;
  startedAt: Date | null;
  endedAt: Date | null;
  variants: ExperimentVariantCount[];
}

interface FiguresRow {
  sent: number;
  delivered: number;
  bounced: number;
  soft_bounced: number;
  unique_human_opens: number;
  total_opens: number;
  human_opens: number;
  machine_opens: number;
  human_replies: number;
  auto_replies: number;
  unsubscribes: number;
}

/** A row of the campaign grain (rollup rows, or the same rows counted live). */
interface GrainRow extends FiguresRow {
  step_id: string | null;
  step_experiment_id: string | null;
  variant_id: string | null;
  mailbox_id: string | null;
  enrolled: number;
  assigned: number;
}

interface MailboxRow extends FiguresRow {
  campaign_id: string | null;
}

interface DailyRow {
  day: string;
  enrolled: number;
  sent: number;
  delivered: number;
  bounced: number;
  unique_human_opens: number;
  total_opens: number;
  machine_opens: number;
  human_replies: number;
  auto_replies: number;
  unsubscribes: number;
}

/**
 * What answered each outbound message of the organisation (inbound messages attributed through
 * replied_to_message_id by the inbound reader), one row per answered message. Aggregated once
 * and hash-joined: cheaper than probing for every message of a large campaign.
 */
const ANSWERS = `
  answers AS (
    SELECT r.replied_to_message_id AS id,
           bool_or(r.inbound_class = 'human_reply') AS human_reply,
           bool_or(r.inbound_class IN ('auto_reply', 'out_of_office')) AS auto_reply,
           bool_or(r.inbound_class = 'soft_bounce') AND NOT bool_or(r.inbound_class = 'hard_bounce')
             AS soft_bounce,
           min(r.received_at) FILTER (WHERE r.inbound_class = 'human_reply') AS human_reply_at,
           min(r.received_at) FILTER (WHERE r.inbound_class IN ('auto_reply', 'out_of_office'))
             AS auto_reply_at
      FROM outreach.messages r
     WHERE r.organisation_id = $1 AND r.direction = 'inbound'
       AND r.replied_to_message_id IS NOT NULL
     GROUP BY r.replied_to_message_id
  )`;

/**
 * The organisation's unsubscribes, each on the outbound message it came from: a suppression with
 * reason unsubscribed whose source message is that outbound message (the tracker's one-click
 * unsubscribe: its token is the message's) or an inbound message answering it (the inbound
 * reader's "unsubscribe in words": the source is the inbound row, replied_to_message_id the
 * message it answers). One row per suppression (one per address and organisation).
 */
const UNSUBSCRIBED = `
  unsubscribed AS (
    SELECT coalesce(r.replied_to_message_id, s.source_message_id) AS id, s.created_at AS at
      FROM delivery.suppressions s
      LEFT JOIN outreach.messages r
        ON r.organisation_id = s.organisation_id AND r.id = s.source_message_id
       AND r.direction = 'inbound'
     WHERE s.organisation_id = $1 AND s.reason = 'unsubscribed' AND s.source_message_id IS NOT NULL
  )`;

const SUMS = `
         sum(sent)::int AS sent, sum(delivered)::int AS delivered, sum(bounced)::int AS bounced,
         sum(soft_bounced)::int AS soft_bounced, sum(unique_human_opens)::int AS unique_human_opens,
         sum(total_opens)::int AS total_opens, sum(human_opens)::int AS human_opens,
         sum(machine_opens)::int AS machine_opens, sum(human_replies)::int AS human_replies,
         sum(auto_replies)::int AS auto_replies, sum(unsubscribes)::int AS unsubscribes`;
const ZEROS = '0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0';
const ZEROS_NAMED = `0 AS sent, 0 AS delivered, 0 AS bounced, 0 AS soft_bounced,
         0 AS unique_human_opens, 0 AS total_opens, 0 AS human_opens, 0 AS machine_opens,
         0 AS human_replies, 0 AS auto_replies, 0 AS unsubscribes`;

/**
 * A campaign's figures at the rollup's grain, computed from the data ($1 organisation, $2
 * campaign, $3 its time zone): one row per (step, experiment, variant, mailbox, day) where each
 * event of an outbound message handed to SMTP (status sent or bounced) counts on its own day —
 * sent (sent, delivered, bounced, soft bounced), first human open (unique human opens), first
 * open (total / human / machine fetches), first human reply, first automatic reply, each
 * unsubscribe — plus the enrollments per day of creation (no step) and the A/B assignments per
 * variant (no day). Opens and replies count on delivered messages only. Every figure is a count:
 * the campaign's totals, a step's, a variant's, a mailbox's or a day's are sums of these rows.
 * The rollup is exactly these rows (INSERT … SELECT); the live daily series reads them directly,
 * the live campaign stats count the same figures another way (CAMPAIGN_LIVE, no days).
 */
const GRAIN = `
  WITH ${ANSWERS}, ${UNSUBSCRIBED},
  handed AS (
    SELECT t.step_id, m.step_experiment_id, m.variant_id, m.mailbox_id, m.id, m.status, m.sent_at,
           o.first_open_at, o.first_human_open_at, o.open_count, o.human_open_count,
           o.machine_open_count, a.human_reply_at, a.auto_reply_at,
           coalesce(a.soft_bounce, false) AS soft_bounce
      FROM outreach.tasks t
      JOIN outreach.messages m ON m.organisation_id = t.organisation_id AND m.task_id = t.id
      LEFT JOIN tracking.message_open_stats o
        ON o.organisation_id = m.organisation_id AND o.message_id = m.id
      LEFT JOIN answers a ON a.id = m.id
     WHERE t.organisation_id = $1 AND t.campaign_id = $2
       AND m.direction = 'outbound' AND m.status IN ('sent', 'bounced')
  ),
  events AS (
    SELECT h.step_id, h.step_experiment_id, h.variant_id, h.mailbox_id, e.*
      FROM handed h
     CROSS JOIN LATERAL (VALUES
       (h.sent_at, 1, (h.status = 'sent')::int, (h.status = 'bounced')::int,
        (h.status = 'bounced' AND h.soft_bounce)::int, 0, 0, 0, 0, 0, 0, 0),
       (CASE WHEN h.status = 'sent' THEN h.first_human_open_at END, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
       (CASE WHEN h.status = 'sent' THEN h.first_open_at END, 0, 0, 0, 0, 0,
        h.open_count, h.human_open_count, h.machine_open_count, 0, 0, 0),
       (CASE WHEN h.status = 'sent' THEN h.human_reply_at END, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0),
       (CASE WHEN h.status = 'sent' THEN h.auto_reply_at END, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)
     ) AS e(at, sent, delivered, bounced, soft_bounced, unique_human_opens, total_opens,
            human_opens, machine_opens, human_replies, auto_replies, unsubscribes)
     WHERE e.at IS NOT NULL
    UNION ALL
    SELECT h.step_id, h.step_experiment_id, h.variant_id, h.mailbox_id, u.at,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
      FROM handed h JOIN unsubscribed u ON u.id = h.id
  )
  SELECT step_id, step_experiment_id, variant_id, mailbox_id, (at AT TIME ZONE $3)::date AS day,
         0 AS enrolled, 0 AS assigned, ${SUMS}
    FROM events
   GROUP BY step_id, step_experiment_id, variant_id, mailbox_id, (at AT TIME ZONE $3)::date
  UNION ALL
  SELECT NULL, NULL, NULL, NULL, (c.created_at AT TIME ZONE $3)::date, count(*)::int, 0, ${ZEROS}
    FROM outreach.campaign_enrollments c
   WHERE c.organisation_id = $1 AND c.campaign_id = $2
   GROUP BY (c.created_at AT TIME ZONE $3)::date
  UNION ALL
  SELECT x.step_id, a.experiment_id, a.variant_id, NULL, NULL, 0, count(*)::int, ${ZEROS}
    FROM outreach.enrollment_step_variant_assignments a
    JOIN outreach.step_experiments x ON x.organisation_id = a.organisation_id AND x.id = a.experiment_id
    JOIN outreach.workflow_steps s ON s.organisation_id = x.organisation_id AND s.id = x.step_id
   WHERE a.organisation_id = $1 AND s.campaign_id = $2
   GROUP BY x.step_id, a.experiment_id, a.variant_id`;

const GRAIN_COLUMNS = `step_id, step_experiment_id, variant_id, mailbox_id, day, enrolled, assigned,
  sent, delivered, bounced, soft_bounced, unique_human_opens, total_opens, human_opens,
  machine_opens, human_replies, auto_replies, unsubscribes`;

/** Rows of the grain summed over the days: what the campaign stats are built from. */
function overDays(source: string): string {
  return `
  SELECT step_id, step_experiment_id, variant_id, mailbox_id,
         sum(enrolled)::int AS enrolled, sum(assigned)::int AS assigned, ${SUMS}
    FROM ${source}
   GROUP BY step_id, step_experiment_id, variant_id, mailbox_id`;
}

/** Rows of the grain summed per day from $from to $to (every day listed, zeros included). */
function perDay(source: string, from: string, to: string): string {
  return `
  SELECT d.day::date::text AS day,
         coalesce(sum(g.enrolled), 0)::int AS enrolled, coalesce(sum(g.sent), 0)::int AS sent,
         coalesce(sum(g.delivered), 0)::int AS delivered,
         coalesce(sum(g.bounced), 0)::int AS bounced,
         coalesce(sum(g.unique_human_opens), 0)::int AS unique_human_opens,
         coalesce(sum(g.total_opens), 0)::int AS total_opens,
         coalesce(sum(g.machine_opens), 0)::int AS machine_opens,
         coalesce(sum(g.human_replies), 0)::int AS human_replies,
         coalesce(sum(g.auto_replies), 0)::int AS auto_replies,
         coalesce(sum(g.unsubscribes), 0)::int AS unsubscribes
    FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS d(day)
    LEFT JOIN ${source} ON g.day = d.day::date
   GROUP BY d.day ORDER BY d.day`;
}

/** The rollup rows of campaign $2 of organisation $1 (campaign_stats_rollups_campaign_day_idx). */
function rollupRows(dayRange = ''): string {
  return `(SELECT ${GRAIN_COLUMNS} FROM analytics.campaign_stats_rollups
            WHERE organisation_id = $1 AND campaign_id = $2 ${dayRange}) g`;
}

/**
 * The figures of the outbound messages handed to SMTP (status sent or bounced) that `from`
 * selects (aliases t: tasks, m: messages), grouped by `groupBy`. `$1` is the organisation.
 */
function figuresQuery(from: string, groupBy: string[]): string {
  return `
  WITH ${ANSWERS}, ${UNSUBSCRIBED}, unsubscribes AS (
    SELECT id, count(*)::int AS unsubscribes FROM unsubscribed GROUP BY id
  )
  SELECT ${groupBy.join(', ')},
         count(*)::int AS sent,
         count(*) FILTER (WHERE m.status = 'sent')::int AS delivered,
         count(*) FILTER (WHERE m.status = 'bounced')::int AS bounced,
         count(*) FILTER (WHERE m.status = 'bounced' AND a.soft_bounce)::int AS soft_bounced,
         count(*) FILTER (WHERE m.status = 'sent' AND o.first_human_open_at IS NOT NULL)::int
           AS unique_human_opens,
         coalesce(sum(o.open_count) FILTER (WHERE m.status = 'sent'), 0)::int AS total_opens,
         coalesce(sum(o.human_open_count) FILTER (WHERE m.status = 'sent'), 0)::int AS human_opens,
         coalesce(sum(o.machine_open_count) FILTER (WHERE m.status = 'sent'), 0)::int AS machine_opens,
         count(*) FILTER (WHERE m.status = 'sent' AND a.human_reply)::int AS human_replies,
         count(*) FILTER (WHERE m.status = 'sent' AND a.auto_reply)::int AS auto_replies,
         coalesce(sum(u.unsubscribes), 0)::int AS unsubscribes
    FROM ${from}
    LEFT JOIN tracking.message_open_stats o
      ON o.organisation_id = m.organisation_id AND o.message_id = m.id
    LEFT JOIN answers a ON a.id = m.id
    LEFT JOIN unsubscribes u ON u.id = m.id
   WHERE m.direction = 'outbound' AND m.status IN ('sent', 'bounced')
   GROUP BY ${groupBy.join(', ')}`;
}

// The live count of a campaign's figures, independent of the grain (one row per message, no
// days): its messages through its tasks (tasks_step_idx, messages_task_key) grouped by step,
// A/B variant and mailbox; then its enrollments and A/B assignments. Cheaper than the grain
// (no day per event), and a second computation the rollup is checked against.
const CAMPAIGN_LIVE = figuresQuery(
  `outreach.tasks t
    JOIN outreach.messages m ON m.organisation_id = t.organisation_id AND m.task_id = t.id
   AND t.organisation_id = $1 AND t.campaign_id = $2`,
  ['t.step_id', 'm.step_experiment_id', 'm.variant_id', 'm.mailbox_id'],
);
const ENROLLMENTS_LIVE = `
  SELECT NULL::uuid AS step_id, NULL::uuid AS step_experiment_id, NULL::uuid AS variant_id,
         NULL::uuid AS mailbox_id, count(*)::int AS enrolled, 0 AS assigned, ${ZEROS_NAMED}
    FROM outreach.campaign_enrollments c
   WHERE c.organisation_id = $1 AND c.campaign_id = $2
  UNION ALL
  SELECT x.step_id, a.experiment_id, a.variant_id, NULL, 0, count(*)::int, ${ZEROS}
    FROM outreach.enrollment_step_variant_assignments a
    JOIN outreach.step_experiments x ON x.organisation_id = a.organisation_id AND x.id = a.experiment_id
    JOIN outreach.workflow_steps s ON s.organisation_id = x.organisation_id AND s.id = x.step_id
   WHERE a.organisation_id = $1 AND s.campaign_id = $2
   GROUP BY x.step_id, a.experiment_id, a.variant_id`;

// The mailbox's messages in the campaigns $3 (through their tasks), grouped by campaign.
const MAILBOX_LIVE = figuresQuery(
  `outreach.tasks t
    JOIN outreach.messages m ON m.organisation_id = t.organisation_id AND m.task_id = t.id
   AND t.organisation_id = $1 AND t.campaign_id = ANY ($3::uuid[]) AND m.mailbox_id = $2`,
  ['t.campaign_id'],
);
// The mailbox's rows of the rollups of the campaigns $3, summed per campaign.
const MAILBOX_ROLLUP = `
  SELECT campaign_id, ${SUMS}
    FROM analytics.campaign_stats_rollups
   WHERE organisation_id = $1 AND mailbox_id = $2 AND campaign_id = ANY ($3::uuid[])
   GROUP BY campaign_id`;
// Every campaign of the organisation: whether its rollup is current, or behind on a campaign
// too large to count live.
const CAMPAIGN_ROLLUP_STATES = `
  SELECT c.id AS campaign_id, s.computed_at, now() AS now,
         coalesce(s.messages, 0) >= $2 AS large,
         EXISTS (SELECT 1 FROM analytics.campaign_stats_changes ch
                  WHERE ch.organisation_id = c.organisation_id AND ch.campaign_id = c.id) AS changed
    FROM outreach.campaigns c
    LEFT JOIN analytics.campaign_stats_rollup_states s
      ON s.organisation_id = c.organisation_id AND s.campaign_id = c.id
   WHERE c.organisation_id = $1`;

const EXPERIMENT_VARIANTS = `
  WITH replied AS (
    SELECT DISTINCT r.replied_to_message_id AS id
      FROM outreach.messages r
     WHERE r.organisation_id = $1 AND r.direction = 'inbound' AND r.inbound_class = 'human_reply'
       AND r.replied_to_message_id IS NOT NULL
  )
  SELECT v.experiment_id, v.id AS variant_id, v.key, v.weight,
         count(m.id) FILTER (WHERE m.status = 'sent')::int AS delivered,
         count(m.id) FILTER (WHERE m.status = 'sent' AND o.first_human_open_at IS NOT NULL)::int
           AS unique_human_opens,
         count(m.id) FILTER (WHERE m.status = 'sent' AND p.id IS NOT NULL)::int AS human_replies
    FROM outreach.step_experiment_variants v
    LEFT JOIN outreach.messages m
      ON m.organisation_id = v.organisation_id AND m.step_experiment_id = v.experiment_id
     AND m.variant_id = v.id AND m.direction = 'outbound'
    LEFT JOIN tracking.message_open_stats o
      ON o.organisation_id = m.organisation_id AND o.message_id = m.id
    LEFT JOIN replied p ON p.id = m.id
   WHERE v.organisation_id = $1 AND v.experiment_id = ANY ($2::uuid[])
   GROUP BY v.experiment_id, v.id, v.key, v.weight
   ORDER BY v.experiment_id, v.key COLLATE "C"`;

interface ExperimentRow {
  id: string;
  step_id: string;
  step_order: number;
  name: string;
  status: StepExperimentStatus;
  metric: StepExperimentMetric;
  auto_complete: boolean;
  confidence: number;
  min_sample_per_variant: number;
  minimum_detectable_effect: number;
  winner_variant_id: string | null;
  decision: Record<string, unknown> | null;
  started_at: Date | null;
  ended_at: Date | null;
}

/**
 * Campaign analytics computed from the data (messages, open statistics, inbound messages,
 * suppressions, enrollments), never from counters: set-based statements in the caller's tenant
 * transaction. A campaign's figures are read from its rollup (analytics.campaign_stats_rollups,
 * the same rows rebuilt from the data by rebuildRollup) when it is current, else counted live.
 * Every method takes the organisation first and filters on organisation_id (RLS applies too);
 * an id of another organisation reads as "not found" (null).
 */
export class CampaignStatsRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /** The campaign's time zone, first day and today in that zone; null when not found. */
  async span(organisationId: OrganisationId, campaignId: string): Promise<CampaignSpan | null> {
    if (!isUuid(campaignId)) return null;
    const rows = await runQuery<{ timezone: string; first_day: string; today: string }[]>(
      this.#manager,
      `SELECT timezone, (created_at AT TIME ZONE timezone)::date::text AS first_day,
              (now() AT TIME ZONE timezone)::date::text AS today
         FROM outreach.campaigns WHERE organisation_id = $1 AND id = $2`,
      [organisationId, campaignId],
    );
    const row = rows[0];
    return row
      ? { campaignId, timezone: row.timezone, firstDay: row.first_day, today: row.today }
      : null;
  }

  /**
   * Totals, per step, per A/B variant and per mailbox; null when the campaign is not found. From
   * the rollup when it is current (or the campaign too large to count live), otherwise counted
   * live; `read: 'live'` always counts live (the rollup's test and the bench's baseline).
   */
  async forCampaign(
    organisationId: OrganisationId,
    campaignId: string,
    read: 'auto' | 'live' = 'auto',
  ): Promise<CampaignStats | null> {
    const span = await this.span(organisationId, campaignId);
    if (!span) return null;
    const freshness = await this.#freshness(organisationId, campaignId, read);
    const rows =
      freshness.source === 'rollup'
        ? await runQuery<GrainRow[]>(this.#manager, overDays(rollupRows()), [
            organisationId,
            campaignId,
          ])
        : [
            ...(await runQuery<GrainRow[]>(this.#manager, CAMPAIGN_LIVE, [
              organisationId,
              campaignId,
            ])),
            ...(await runQuery<GrainRow[]>(this.#manager, ENROLLMENTS_LIVE, [
              organisationId,
              campaignId,
            ])),
          ];
    const steps = await runQuery<{ id: string; step_order: number }[]>(
      this.#manager,
      `SELECT id, step_order FROM outreach.workflow_steps
        WHERE organisation_id = $1 AND campaign_id = $2 ORDER BY step_order`,
      [organisationId, campaignId],
    );
    const variantKeys = await runQuery<{ id: string; key: string }[]>(
      this.#manager,
      `SELECT v.id, v.key
         FROM outreach.step_experiment_variants v
         JOIN outreach.step_experiments x
           ON x.organisation_id = v.organisation_id AND x.id = v.experiment_id
         JOIN outreach.workflow_steps s
           ON s.organisation_id = x.organisation_id AND s.id = x.step_id
        WHERE v.organisation_id = $1 AND s.campaign_id = $2`,
      [organisationId, campaignId],
    );
    const mailboxNames = await runQuery<{ id: string; email: string }[]>(
      this.#manager,
      `SELECT id, email_address::text AS email FROM delivery.mailboxes WHERE organisation_id = $1`,
      [organisationId],
    );
    const byStep = sumBy(rows, (r) => r.step_id);
    const byVariant = sumBy(rows, (r) =>
      r.variant_id === null
        ? null
        : `${r.step_id ?? ''}|${r.step_experiment_id ?? ''}|${r.variant_id}`,
    );
    const byMailbox = sumBy(rows, (r) => r.mailbox_id);
    const keys = new Map(variantKeys.map((v) => [v.id, v.key]));
    const emails = new Map(mailboxNames.map((m) => [m.id, m.email]));
    const stepOrders = new Map(steps.map((s) => [s.id, s.step_order]));
    const total = sum(rows);
    return {
      campaignId,
      timezone: span.timezone,
      ...freshness,
      total: figures(total, total.enrolled),
      steps: steps.map((step) => ({
        stepId: step.id,
        stepOrder: step.step_order,
        ...figures(byStep.get(step.id), null),
      })),
      variants: [...byVariant]
        // Variants with at least one message handed to SMTP (assignments alone do not list one).
        .filter(([, r]) => r.sent > 0)
        .map(([key, r]) => {
          const [stepId = '', experimentId = '', variantId = ''] = key.split('|');
          return {
            stepId,
            experimentId,
            variantId,
            variantKey: keys.get(variantId) ?? '',
            ...figures(r, r.assigned),
          };
        })
        .sort(
          (a, b) =>
            (stepOrders.get(a.stepId) ?? 0) - (stepOrders.get(b.stepId) ?? 0) ||
            (a.variantKey < b.variantKey ? -1 : a.variantKey > b.variantKey ? 1 : 0),
        ),
      mailboxes: [...byMailbox]
        .map(([mailboxId, r]) => ({
          mailboxId,
          mailboxEmail: emails.get(mailboxId) ?? null,
          ...figures(r, null),
        }))
        .sort((a, b) => (a.mailboxEmail ?? '').localeCompare(b.mailboxEmail ?? '')),
    };
  }

  /**
   * Rebuilds the campaign's rollup from the data, in the caller's tenant transaction: locks the
   * campaign's rollup state (one rebuild at a time), deletes the change markers it sees, then
   * replaces the rollup rows by the grain counted now (every change committed before the markers
   * were deleted is counted; a change committed later leaves its marker, so the campaign is
   * rebuilt again). Null when the campaign is not found (its markers are dropped). Raises the
   * transaction's statement timeout to ROLLUP_STATEMENT_TIMEOUT_MS and turns its nested-loop
   * joins off (hash joins whatever the statistics say).
   */
  async rebuildRollup(
    organisationId: OrganisationId,
    campaignId: string,
  ): Promise<RollupResult | null> {
    if (!isUuid(campaignId)) return null;
    const started = performance.now();
    const span = await this.span(organisationId, campaignId);
    if (!span) {
      await runQuery(
        this.#manager,
        'DELETE FROM analytics.campaign_stats_changes WHERE organisation_id = $1 AND campaign_id = $2',
        [organisationId, campaignId],
      );
      return null;
    }
    await runQuery(
      this.#manager,
      `INSERT INTO analytics.campaign_stats_rollup_states AS s (organisation_id, campaign_id, computed_at)
       VALUES ($1, $2, now())
       ON CONFLICT (organisation_id, campaign_id) DO UPDATE SET computed_at = s.computed_at`,
      [organisationId, campaignId],
    );
    const marked = await runQuery<{ at: Date }[]>(
      this.#manager,
      `WITH seen AS (
         DELETE FROM analytics.campaign_stats_changes WHERE organisation_id = $1 AND campaign_id = $2
       )
       SELECT clock_timestamp() AS at`,
      [organisationId, campaignId],
    );
    const computedAt = marked[0]?.at ?? new Date();
    // No nested loops for the grain (transaction-local): it reads every message of the campaign,
    // which only hash joins do in one pass. For tables without statistics yet (a new database) or
    // an organisation they do not know (a new one), the planner estimates one row per organisation
    // and nests a scan of the organisation's messages in the scan of its tasks: on the send bench a
    // rebuild of 20,000 messages ran for minutes on a core of its own (0.3 s hashed).
    await runQuery(
      this.#manager,
      "SELECT set_config('statement_timeout', $1, true), set_config('enable_nestloop', 'off', true)",
      [String(ROLLUP_STATEMENT_TIMEOUT_MS)],
    );
    await runQuery(
      this.#manager,
      'DELETE FROM analytics.campaign_stats_rollups WHERE organisation_id = $1 AND campaign_id = $2',
      [organisationId, campaignId],
    );
    const written = await runQuery<{ rows: number; messages: number }[]>(
      this.#manager,
      `WITH written AS (
         INSERT INTO analytics.campaign_stats_rollups (organisation_id, campaign_id, ${GRAIN_COLUMNS})
         SELECT $1, $2, ${GRAIN_COLUMNS} FROM (${GRAIN}) g
         RETURNING sent
       )
       SELECT count(*)::int AS rows, coalesce(sum(sent), 0)::int AS messages FROM written`,
      [organisationId, campaignId, span.timezone],
    );
    const rows = written[0]?.rows ?? 0;
    const messages = written[0]?.messages ?? 0;
    const durationMs = Math.round(performance.now() - started);
    await runQuery(
      this.#manager,
      `UPDATE analytics.campaign_stats_rollup_states
          SET computed_at = $3, messages = $4, duration_ms = $5
        WHERE organisation_id = $1 AND campaign_id = $2`,
      [organisationId, campaignId, computedAt, messages, durationMs],
    );
    return { campaignId, computedAt, rows, messages, durationMs };
  }

  /** Whether the campaign's figures come from its rollup or are counted live, and as of when. */
  async #freshness(
    organisationId: OrganisationId,
    campaignId: string,
    read: 'auto' | 'live',
  ): Promise<StatsFreshness> {
    const rows = await runQuery<
      { computed_at: Date | null; messages: number | null; changed: boolean; now: Date }[]
    >(
      this.#manager,
      `SELECT s.computed_at, s.messages, now() AS now,
              EXISTS (SELECT 1 FROM analytics.campaign_stats_changes c
                       WHERE c.organisation_id = $1 AND c.campaign_id = $2) AS changed
         FROM (SELECT 1) AS one
         LEFT JOIN analytics.campaign_stats_rollup_states s
           ON s.organisation_id = $1 AND s.campaign_id = $2`,
      [organisationId, campaignId],
    );
    const row = rows[0];
    const live: StatsFreshness = {
      source: 'live',
      computedAt: row?.now ?? new Date(),
      pendingChanges: false,
    };
    if (read === 'live' || !row || row.computed_at === null) return live;
    if (!row.changed)
      return { source: 'rollup', computedAt: row.computed_at, pendingChanges: false };
    if ((row.messages ?? 0) < LIVE_STATS_MAX_MESSAGES) return live;
    return { source: 'rollup', computedAt: row.computed_at, pendingChanges: true };
  }

  /**
   * The campaign's outbound messages of every status, counted plainly (tasks ⋈ messages): the
   * baseline the stats bench prints beside forCampaign.
   */
  async outboundCount(organisationId: OrganisationId, campaignId: string): Promise<number> {
    if (!isUuid(campaignId)) return 0;
    const rows = await runQuery<{ n: number }[]>(
      this.#manager,
      `SELECT count(*)::int AS n
         FROM outreach.tasks t
         JOIN outreach.messages m ON m.organisation_id = t.organisation_id AND m.task_id = t.id
        WHERE t.organisation_id = $1 AND t.campaign_id = $2 AND m.direction = 'outbound'`,
      [organisationId, campaignId],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * A mailbox's figures, total and per campaign; null when the mailbox is not found. Each
   * campaign from its rollup under forCampaign's rule (current, or behind on a campaign too large
   * to count live), the others counted live; `read: 'live'` counts every campaign live.
   */
  async forMailbox(
    organisationId: OrganisationId,
    mailboxId: string,
    read: 'auto' | 'live' = 'auto',
  ): Promise<MailboxStatsView | null> {
    if (!isUuid(mailboxId)) return null;
    const exists = await runQuery<unknown[]>(
      this.#manager,
      'SELECT 1 FROM delivery.mailboxes WHERE organisation_id = $1 AND id = $2',
      [organisationId, mailboxId],
    );
    if (exists.length === 0) return null;
    const states = await runQuery<
      {
        campaign_id: string;
        computed_at: Date | null;
        now: Date;
        large: boolean;
        changed: boolean;
      }[]
    >(this.#manager, CAMPAIGN_ROLLUP_STATES, [organisationId, LIVE_STATS_MAX_MESSAGES]);
    const fromRollup = states.filter(
      (s) => read === 'auto' && s.computed_at !== null && (!s.changed || s.large),
    );
    const live = states.filter((s) => !fromRollup.includes(s)).map((s) => s.campaign_id);
    const rollupIds = fromRollup.map((s) => s.campaign_id);
    const rolledUp =
      rollupIds.length === 0
        ? []
        : await runQuery<MailboxRow[]>(this.#manager, MAILBOX_ROLLUP, [
            organisationId,
            mailboxId,
            rollupIds,
          ]);
    const counted =
      live.length === 0
        ? []
        : await runQuery<MailboxRow[]>(this.#manager, MAILBOX_LIVE, [
            organisationId,
            mailboxId,
            live,
          ]);
    const rows = [...rolledUp, ...counted];
    // Where the figures came from: a campaign without a send through the mailbox does not count.
    const liveSource = rolledUp.length > 0 ? 'mixed' : 'live';
    const source = counted.length > 0 ? liveSource : rollupIds.length > 0 ? 'rollup' : 'live';
    const oldest = fromRollup
      .map((s) => s.computed_at ?? s.now)
      .reduce<Date>((a, b) => (b < a ? b : a), states[0]?.now ?? new Date());
    const names = await runQuery<{ id: string; name: string }[]>(
      this.#manager,
      `SELECT id, name FROM outreach.campaigns WHERE organisation_id = $1 AND id = ANY ($2::uuid[])`,
      [organisationId, rows.flatMap((r) => (r.campaign_id ? [r.campaign_id] : []))],
    );
    const byId = new Map(names.map((n) => [n.id, n.name]));
    return {
      mailboxId,
      source,
      computedAt: oldest,
      pendingChanges: fromRollup.some((s) => s.changed),
      total: figures(sum(rows), null),
      campaigns: [...sumBy(rows, (r) => r.campaign_id)]
        .map(([campaignId, r]) => ({
          campaignId,
          campaignName: byId.get(campaignId) ?? '',
          ...figures(r, null),
        }))
        .sort((a, b) => a.campaignName.localeCompare(b.campaignName)),
    };
  }

  /**
   * The campaign's figures per calendar day from `from` to `to` (YYYY-MM-DD, inclusive, in the
   * campaign's time zone; the caller bounds the range), from the rollup or live as forCampaign.
   * Null when the campaign is not found.
   */
  async daily(
    organisationId: OrganisationId,
    campaignId: string,
    range: { from: string; to: string },
    read: 'auto' | 'live' = 'auto',
  ): Promise<DailySeries | null> {
    const span = await this.span(organisationId, campaignId);
    if (!span) return null;
    const freshness = await this.#freshness(organisationId, campaignId, read);
    const rows =
      freshness.source === 'rollup'
        ? await runQuery<DailyRow[]>(
            this.#manager,
            perDay(rollupRows('AND day BETWEEN $3::date AND $4::date'), '$3', '$4'),
            [organisationId, campaignId, range.from, range.to],
          )
        : await runQuery<DailyRow[]>(this.#manager, perDay(`(${GRAIN}) g`, '$4', '$5'), [
            organisationId,
            campaignId,
            span.timezone,
            range.from,
            range.to,
          ]);
    return {
      campaignId,
      timezone: span.timezone,
      ...freshness,
      from: range.from,
      to: range.to,
      days: rows.map((r) => ({
        day: r.day,
        enrolled: r.enrolled,
        sent: r.sent,
        delivered: r.delivered,
        bounced: r.bounced,
        uniqueHumanOpens: r.unique_human_opens,
        totalOpens: r.total_opens,
        machineOpens: r.machine_opens,
        humanReplies: r.human_replies,
        autoReplies: r.auto_replies,
        unsubscribes: r.unsubscribes,
      })),
    };
  }

  /**
   * The A/B experiments of a campaign (or the one experiment named), each with its settings,
   * decision and per variant (every variant, zeros when it sent nothing): delivered messages,
   * unique human opens and human replies. Null when the campaign or experiment is not found.
   */
  async experiments(
    organisationId: OrganisationId,
    scope: { campaignId: string } | { experimentId: string },
  ): Promise<ExperimentCounts[] | null> {
    const byCampaign = 'campaignId' in scope;
    const id = byCampaign ? scope.campaignId : scope.experimentId;
    if (!isUuid(id)) return null;
    if (byCampaign) {
      const exists = await runQuery<unknown[]>(
        this.#manager,
        'SELECT 1 FROM outreach.campaigns WHERE organisation_id = $1 AND id = $2',
        [organisationId, id],
      );
      if (exists.length === 0) return null;
    }
    const experiments = await runQuery<ExperimentRow[]>(
      this.#manager,
      `SELECT x.id, x.step_id, s.step_order, x.name, x.status, x.metric, x.auto_complete,
              x.confidence, x.min_sample_per_variant, x.minimum_detectable_effect,
              x.winner_variant_id, x.decision, x.started_at, x.ended_at
         FROM outreach.step_experiments x
         JOIN outreach.workflow_steps s ON s.organisation_id = x.organisation_id AND s.id = x.step_id
        WHERE x.organisation_id = $1 AND ${byCampaign ? 's.campaign_id' : 'x.id'} = $2
        ORDER BY s.step_order, x.created_at, x.id`,
      [organisationId, id],
    );
    if (!byCampaign && experiments.length === 0) return null;
    const variants = await runQuery<
      {
        experiment_id: string;
        variant_id: string;
        key: string;
        weight: number;
        delivered: number;
        unique_human_opens: number;
        human_replies: number;
      }[]
    >(this.#manager, EXPERIMENT_VARIANTS, [organisationId, experiments.map((x) => x.id)]);
    return experiments.map((x) => ({
      experimentId: x.id,
      stepId: x.step_id,
      stepOrder: x.step_order,
      name: x.name,
      status: x.status,
      metric: x.metric,
      autoComplete: x.auto_complete,
      confidence: x.confidence,
      minSamplePerVariant: x.min_sample_per_variant,
      minimumDetectableEffect: x.minimum_detectable_effect,
      winnerVariantId: x.winner_variant_id,
      decision: x.decision,
      startedAt: x.started_at,
      endedAt: x.ended_at,
      variants: variants
        .filter((v) => v.experiment_id === x.id)
        .map((v) => ({
          variantId: v.variant_id,
          key: v.key,
          weight: v.weight,
          delivered: v.delivered,
          uniqueHumanOpens: v.unique_human_opens,
          humanReplies: v.human_replies,
        })),
    }));
  }
}

const FIGURE_KEYS = [
  'sent',
  'delivered',
  'bounced',
  'soft_bounced',
  'unique_human_opens',
  'total_opens',
  'human_opens',
  'machine_opens',
  'human_replies',
  'auto_replies',
  'unsubscribes',
] as const satisfies readonly (keyof FiguresRow)[];

/** Figures with the enrollment counts of the campaign grain (zero where a row has none). */
interface Summed extends FiguresRow {
  enrolled: number;
  assigned: number;
}

/** The sum of rows of figures (every figure is a count: coarser levels add up). */
function sum(rows: readonly (FiguresRow & Partial<Summed>)[]): Summed {
  const total: Summed = {
    ...(Object.fromEntries(FIGURE_KEYS.map((key) => [key, 0])) as unknown as FiguresRow),
    enrolled: 0,
    assigned: 0,
  };
  for (const row of rows) {
    for (const key of FIGURE_KEYS) total[key] += row[key];
    total.enrolled += row.enrolled ?? 0;
    total.assigned += row.assigned ?? 0;
  }
  return total;
}

/** Rows summed per key (rows whose key is null are left out), in first-seen order. */
function sumBy<R extends FiguresRow & Partial<Summed>>(
  rows: readonly R[],
  keyOf: (row: R) => string | null,
): Map<string, Summed> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === null) continue;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return new Map([...groups].map(([key, group]) => [key, sum(group)]));
}

function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}

function figures(row: FiguresRow | undefined, enrolled: number | null): StatsFigures {
  const sent = row?.sent ?? 0;
  const delivered = row?.delivered ?? 0;
  const bounced = row?.bounced ?? 0;
  const softBounced = row?.soft_bounced ?? 0;
  const uniqueHumanOpens = row?.unique_human_opens ?? 0;
  const humanReplies = row?.human_replies ?? 0;
  const autoReplies = row?.auto_replies ?? 0;
  const unsubscribes = row?.unsubscribes ?? 0;
  return {
    enrolled,
    sent,
    delivered,
    bounced,
    hardBounced: bounced - softBounced,
    softBounced,
    uniqueHumanOpens,
    totalOpens: row?.total_opens ?? 0,
    humanOpens: row?.human_opens ?? 0,
    machineOpens: row?.machine_opens ?? 0,
    humanReplies,
    autoReplies,
    unsubscribes,
    rates: {
      delivery: rate(delivered, sent),
      bounce: rate(bounced, sent),
      open: rate(uniqueHumanOpens, delivered),
      reply: rate(humanReplies, delivered),
      autoReply: rate(autoReplies, delivered),
      unsubscribe: rate(unsubscribes, delivered),
    },
  };
}
