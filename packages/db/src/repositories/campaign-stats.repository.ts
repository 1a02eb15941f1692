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
 * - unsubscribes: enrollments that exited 'unsubscribed' (per step, variant or mailbox: through
 *   the message that caused the exit).
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

export interface CampaignStats {
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
  /** Messages that got their first human reply that day. */
  humanReplies: number;
  autoReplies: number;
  unsubscribes: number;
}

export interface DailySeries {
  campaignId: string;
  timezone: string;
  from: string;
  to: string;
  days: DailyStats[];
}

/** The campaign's dates in its time zone: the day it was created and today. */
export interface CampaignSpan {
  campaignId: string;
  timezone: string;
  firstDay: string;
  today: string;
}

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

interface CampaignRow extends FiguresRow {
  step_id: string | null;
  step_experiment_id: string | null;
  variant_id: string | null;
  mailbox_id: string | null;
}

interface MailboxRow extends FiguresRow {
  campaign_id: string | null;
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
 * The figures of the outbound messages handed to SMTP (status sent or bounced) that `from`
 * selects (aliases t: tasks, m: messages), grouped by `groupBy`: one pass, the finest grain the
 * caller needs; coarser levels are sums of these rows (every figure is additive). `$1` is the
 * organisation; `unsubscribes` selects the enrollments whose exits count.
 */
function figuresQuery(from: string, unsubscribes: string, groupBy: string[]): string {
  return `
  WITH ${ANSWERS}, unsubscribed AS (
    SELECT e.exit_message_id AS id, count(*)::int AS unsubscribes
      FROM outreach.campaign_enrollments e
     WHERE e.organisation_id = $1 AND ${unsubscribes}
       AND e.exit_reason = 'unsubscribed' AND e.exit_message_id IS NOT NULL
     GROUP BY e.exit_message_id
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
    LEFT JOIN unsubscribed u ON u.id = m.id
   WHERE m.direction = 'outbound' AND m.status IN ('sent', 'bounced')
   GROUP BY ${groupBy.join(', ')}`;
}

// The campaign's messages through its tasks (tasks_step_idx, messages_task_key), grouped by
// step, A/B variant and mailbox.
const CAMPAIGN = figuresQuery(
  `outreach.tasks t
    JOIN outreach.messages m ON m.organisation_id = t.organisation_id AND m.task_id = t.id
   AND t.organisation_id = $1 AND t.campaign_id = $2`,
  'e.campaign_id = $2',
  ['t.step_id', 'm.step_experiment_id', 'm.variant_id', 'm.mailbox_id'],
);

// The mailbox's messages (messages_mailbox_idx), grouped by campaign.
const MAILBOX = figuresQuery(
  `outreach.messages m
    JOIN outreach.tasks t ON t.organisation_id = m.organisation_id AND t.id = m.task_id
   AND m.organisation_id = $1 AND m.mailbox_id = $2`,
  `e.exit_message_id IN (SELECT id FROM outreach.messages
                          WHERE organisation_id = $1 AND mailbox_id = $2)`,
  ['t.campaign_id'],
);

// Per calendar day from $4 to $5 in the campaign's zone ($3): each message counted on the day
// of each of its events (sent, first human open, first human reply, first automatic reply) in
// one pass over the campaign's messages, plus the enrollments created and unsubscribed.
const DAILY = `
  WITH ${ANSWERS}, events AS (
    SELECT e.day, e.kind, m.status
      FROM outreach.tasks t
      JOIN outreach.messages m ON m.organisation_id = t.organisation_id AND m.task_id = t.id
      LEFT JOIN tracking.message_open_stats o
        ON o.organisation_id = m.organisation_id AND o.message_id = m.id
      LEFT JOIN answers a ON a.id = m.id
     CROSS JOIN LATERAL (VALUES
       ((m.sent_at AT TIME ZONE $3)::date, 'sent'),
       (CASE WHEN m.status = 'sent' THEN (o.first_human_open_at AT TIME ZONE $3)::date END, 'opened'),
       (CASE WHEN m.status = 'sent' THEN (a.human_reply_at AT TIME ZONE $3)::date END, 'human'),
       (CASE WHEN m.status = 'sent' THEN (a.auto_reply_at AT TIME ZONE $3)::date END, 'auto')
     ) AS e(day, kind)
     WHERE t.organisation_id = $1 AND t.campaign_id = $2
       AND m.direction = 'outbound' AND m.status IN ('sent', 'bounced')
       AND e.day BETWEEN $4::date AND $5::date
    UNION ALL
    SELECT (x.at AT TIME ZONE $3)::date, x.kind, NULL
      FROM outreach.campaign_enrollments c
     CROSS JOIN LATERAL (VALUES
       (c.created_at, 'enrolled'),
       (CASE WHEN c.exit_reason = 'unsubscribed' THEN c.exited_at END, 'unsubscribed')
     ) AS x(at, kind)
     WHERE c.organisation_id = $1 AND c.campaign_id = $2
       AND (x.at AT TIME ZONE $3)::date BETWEEN $4::date AND $5::date
  )
  SELECT d.day::date::text AS day,
         count(e.kind) FILTER (WHERE e.kind = 'enrolled')::int AS enrolled,
         count(e.kind) FILTER (WHERE e.kind = 'sent')::int AS sent,
         count(e.kind) FILTER (WHERE e.kind = 'sent' AND e.status = 'sent')::int AS delivered,
         count(e.kind) FILTER (WHERE e.kind = 'sent' AND e.status = 'bounced')::int AS bounced,
         count(e.kind) FILTER (WHERE e.kind = 'opened')::int AS unique_human_opens,
         count(e.kind) FILTER (WHERE e.kind = 'human')::int AS human_replies,
         count(e.kind) FILTER (WHERE e.kind = 'auto')::int AS auto_replies,
         count(e.kind) FILTER (WHERE e.kind = 'unsubscribed')::int AS unsubscribes
    FROM generate_series($4::date, $5::date, interval '1 day') AS d(day)
    LEFT JOIN events e ON e.day = d.day::date
   GROUP BY d.day ORDER BY d.day`;

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
 * enrollments), never from counters: set-based statements in the caller's tenant transaction.
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

  /** Totals, per step, per A/B variant and per mailbox; null when the campaign is not found. */
  async forCampaign(
    organisationId: OrganisationId,
    campaignId: string,
  ): Promise<CampaignStats | null> {
    const span = await this.span(organisationId, campaignId);
    if (!span) return null;
    const rows = await runQuery<CampaignRow[]>(this.#manager, CAMPAIGN, [
      organisationId,
      campaignId,
    ]);
    const steps = await runQuery<{ id: string; step_order: number }[]>(
      this.#manager,
      `SELECT id, step_order FROM outreach.workflow_steps
        WHERE organisation_id = $1 AND campaign_id = $2 ORDER BY step_order`,
      [organisationId, campaignId],
    );
    const enrolled = await runQuery<{ enrolled: number; unsubscribes: number }[]>(
      this.#manager,
      `SELECT count(*)::int AS enrolled,
              count(*) FILTER (WHERE exit_reason = 'unsubscribed')::int AS unsubscribes
         FROM outreach.campaign_enrollments WHERE organisation_id = $1 AND campaign_id = $2`,
      [organisationId, campaignId],
    );
    const variantNames = await runQuery<{ id: string; key: string; assigned: number }[]>(
      this.#manager,
      `SELECT v.id, v.key,
              (SELECT count(*)::int FROM outreach.enrollment_step_variant_assignments a
                WHERE a.organisation_id = $1 AND a.experiment_id = v.experiment_id
                  AND a.variant_id = v.id) AS assigned
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
    const enrollment = enrolled[0] ?? { enrolled: 0, unsubscribes: 0 };
    const byStep = sumBy(rows, (r) => r.step_id);
    const byVariant = sumBy(rows, (r) =>
      r.variant_id === null
        ? null
        : `${r.step_id ?? ''}|${r.step_experiment_id ?? ''}|${r.variant_id}`,
    );
    const byMailbox = sumBy(rows, (r) => r.mailbox_id);
    const variantsById = new Map(variantNames.map((v) => [v.id, v]));
    const emails = new Map(mailboxNames.map((m) => [m.id, m.email]));
    const stepOrders = new Map(steps.map((s) => [s.id, s.step_order]));
    const totalRow = sum(rows);
    return {
      campaignId,
      timezone: span.timezone,
      // Every unsubscribe of the campaign, with or without the message that caused it.
      total: withUnsubscribes(figures(totalRow, enrollment.enrolled), enrollment.unsubscribes),
      steps: steps.map((step) => ({
        stepId: step.id,
        stepOrder: step.step_order,
        ...figures(byStep.get(step.id), null),
      })),
      variants: [...byVariant]
        .map(([key, r]) => {
          const [stepId = '', experimentId = '', variantId = ''] = key.split('|');
          const variant = variantsById.get(variantId);
          return {
            stepId,
            experimentId,
            variantId,
            variantKey: variant?.key ?? '',
            ...figures(r, variant?.assigned ?? 0),
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

  /** A mailbox's figures, total and per campaign; null when the mailbox is not found. */
  async forMailbox(
    organisationId: OrganisationId,
    mailboxId: string,
  ): Promise<MailboxStatsView | null> {
    if (!isUuid(mailboxId)) return null;
    const exists = await runQuery<unknown[]>(
      this.#manager,
      'SELECT 1 FROM delivery.mailboxes WHERE organisation_id = $1 AND id = $2',
      [organisationId, mailboxId],
    );
    if (exists.length === 0) return null;
    const rows = await runQuery<MailboxRow[]>(this.#manager, MAILBOX, [organisationId, mailboxId]);
    const names = await runQuery<{ id: string; name: string }[]>(
      this.#manager,
      `SELECT id, name FROM outreach.campaigns WHERE organisation_id = $1 AND id = ANY ($2::uuid[])`,
      [organisationId, rows.flatMap((r) => (r.campaign_id ? [r.campaign_id] : []))],
    );
    const byId = new Map(names.map((n) => [n.id, n.name]));
    return {
      mailboxId,
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
   * campaign's time zone; the caller bounds the range). Null when the campaign is not found.
   */
  async daily(
    organisationId: OrganisationId,
    campaignId: string,
    range: { from: string; to: string },
  ): Promise<DailySeries | null> {
    const span = await this.span(organisationId, campaignId);
    if (!span) return null;
    const rows = await runQuery<
      {
        day: string;
        enrolled: number;
        sent: number;
        delivered: number;
        bounced: number;
        unique_human_opens: number;
        human_replies: number;
        auto_replies: number;
        unsubscribes: number;
      }[]
    >(this.#manager, DAILY, [organisationId, campaignId, span.timezone, range.from, range.to]);
    return {
      campaignId,
      timezone: span.timezone,
      from: range.from,
      to: range.to,
      days: rows.map((r) => ({
        day: r.day,
        enrolled: r.enrolled,
        sent: r.sent,
        delivered: r.delivered,
        bounced: r.bounced,
        uniqueHumanOpens: r.unique_human_opens,
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

/** The sum of rows of figures (every figure is a count: coarser levels add up). */
function sum(rows: readonly FiguresRow[]): FiguresRow {
  const total = Object.fromEntries(FIGURE_KEYS.map((key) => [key, 0])) as unknown as FiguresRow;
  for (const row of rows) for (const key of FIGURE_KEYS) total[key] += row[key];
  return total;
}

/** Rows summed per key (rows whose key is null are left out), in first-seen order. */
function sumBy<R extends FiguresRow>(
  rows: readonly R[],
  keyOf: (row: R) => string | null,
): Map<string, FiguresRow> {
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

function withUnsubscribes(base: StatsFigures, unsubscribes: number): StatsFigures {
  return {
    ...base,
    unsubscribes,
    rates: { ...base.rates, unsubscribe: rate(unsubscribes, base.delivered) },
  };
}
