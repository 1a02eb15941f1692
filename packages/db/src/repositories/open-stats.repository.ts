import type { EntityManager } from 'typeorm';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import type { MessageStatus } from '../outreach/message-status.js';
import type { OpenIpClass, OpenKind, OpenReason } from '../tracking/open-kind.js';
import { runQuery } from './entity-rows.js';

/** The opens of one message gathered by the tracker since its last flush (one row per message). */
export interface MessageOpenTally {
  messageId: string;
  human: number;
  /** Apple Mail Privacy Protection. */
  proxy: number;
  /** Scanners, link checkers, prefetch, empty user agents, too soon after the send. */
  bot: number;
  firstOpenAt: Date;
  lastOpenAt: Date;
  firstHumanOpenAt: Date | null;
  lastHumanOpenAt: Date | null;
  lastKind: OpenKind;
  lastReason: OpenReason;
  /** At most 1 000 characters. */
  lastUserAgent: string | null;
  lastIpClass: OpenIpClass;
  /** `a.b.c.0/24` or an IPv6 `/48` network: never a whole address (the CHECK refuses one). */
  lastIpNetwork: string | null;
}

/** An outbound message the tracker may record opens for, and when it was sent (null: not yet). */
export interface TrackedMessage {
  messageId: string;
  sentAt: Date | null;
}

/** Open figures over a set of delivered messages (status sent). Rates are null with none. */
export interface OpenTotals {
  delivered: number;
  /** Delivered messages with at least one human open: "opened". */
  uniqueHumanOpens: number;
  totalOpens: number;
  humanOpens: number;
  machineOpens: number;
  /** Delivered messages with at least one machine open. */
  machineOpenedMessages: number;
  /** uniqueHumanOpens / delivered. */
  openRate: number | null;
  /** machineOpenedMessages / delivered. */
  machineOpenedRate: number | null;
}

export interface StepOpenStats extends OpenTotals {
  stepId: string;
  stepOrder: number;
}

export interface VariantOpenStats extends OpenTotals {
  stepId: string;
  experimentId: string;
  variantId: string;
  variantKey: string;
}

export interface CampaignOpenStats {
  campaignId: string;
  total: OpenTotals;
  /** Steps with at least one delivered message, in step order. */
  steps: StepOpenStats[];
  /** A/B variants with at least one delivered message, by step order then key. */
  variants: VariantOpenStats[];
}

export interface MessageOpenStatsView {
  messageId: string;
  status: MessageStatus;
  /** At least one human open. */
  opened: boolean;
  totalOpens: number;
  humanOpens: number;
  machineOpens: number;
  proxyOpens: number;
  botOpens: number;
  firstOpenAt: Date | null;
  lastOpenAt: Date | null;
  firstHumanOpenAt: Date | null;
  lastHumanOpenAt: Date | null;
  lastOpenKind: OpenKind | null;
  lastOpenReason: OpenReason | null;
}

const TRACKED = `
  SELECT id AS message_id, sent_at
    FROM outreach.messages
   WHERE organisation_id = $1 AND id = ANY ($2::uuid[]) AND direction = 'outbound'
     FOR KEY SHARE`;

// One multi-row upsert per organisation and flush. Counters add up; first/last times take the
// least/greatest; the "last_*" details follow the latest open (already stored or new).
const RECORD = `
  WITH upserted AS (
    INSERT INTO tracking.message_open_stats AS s (
      organisation_id, message_id, open_count, human_open_count, proxy_open_count, bot_open_count,
      first_open_at, last_open_at, first_human_open_at, last_human_open_at,
      last_open_kind, last_open_reason, last_user_agent, last_ip_class, last_ip_network)
    SELECT $1, o.message_id, o.human + o.proxy + o.bot, o.human, o.proxy, o.bot,
           o.first_at, o.last_at, o.first_human_at, o.last_human_at,
           o.kind, o.reason, o.user_agent, o.ip_class, o.ip_network
      FROM unnest($2::uuid[], $3::int[], $4::int[], $5::int[], $6::timestamptz[], $7::timestamptz[],
                  $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::text[],
                  $13::text[], $14::cidr[])
        AS o(message_id, human, proxy, bot, first_at, last_at, first_human_at, last_human_at,
             kind, reason, user_agent, ip_class, ip_network)
    ON CONFLICT (organisation_id, message_id) DO UPDATE SET
      open_count = s.open_count + EXCLUDED.open_count,
      human_open_count = s.human_open_count + EXCLUDED.human_open_count,
      proxy_open_count = s.proxy_open_count + EXCLUDED.proxy_open_count,
      bot_open_count = s.bot_open_count + EXCLUDED.bot_open_count,
      first_open_at = least(s.first_open_at, EXCLUDED.first_open_at),
      last_open_at = greatest(s.last_open_at, EXCLUDED.last_open_at),
      first_human_open_at = least(s.first_human_open_at, EXCLUDED.first_human_open_at),
      last_human_open_at = greatest(s.last_human_open_at, EXCLUDED.last_human_open_at),
      last_open_kind = CASE WHEN s.last_open_at IS NULL OR EXCLUDED.last_open_at >= s.last_open_at
                            THEN EXCLUDED.last_open_kind ELSE s.last_open_kind END,
      last_open_reason = CASE WHEN s.last_open_at IS NULL OR EXCLUDED.last_open_at >= s.last_open_at
                              THEN EXCLUDED.last_open_reason ELSE s.last_open_reason END,
      last_user_agent = CASE WHEN s.last_open_at IS NULL OR EXCLUDED.last_open_at >= s.last_open_at
                             THEN EXCLUDED.last_user_agent ELSE s.last_user_agent END,
      last_ip_class = CASE WHEN s.last_open_at IS NULL OR EXCLUDED.last_open_at >= s.last_open_at
                           THEN EXCLUDED.last_ip_class ELSE s.last_ip_class END,
      last_ip_network = CASE WHEN s.last_open_at IS NULL OR EXCLUDED.last_open_at >= s.last_open_at
                             THEN EXCLUDED.last_ip_network ELSE s.last_ip_network END
    RETURNING 1
  )
  SELECT count(*)::int AS recorded FROM upserted`;

const TOTALS = `
  count(*)::int AS delivered,
  count(o.first_human_open_at)::int AS unique_human_opens,
  coalesce(sum(o.open_count), 0)::int AS total_opens,
  coalesce(sum(o.human_open_count), 0)::int AS human_opens,
  coalesce(sum(o.machine_open_count), 0)::int AS machine_opens,
  count(*) FILTER (WHERE o.machine_open_count > 0)::int AS machine_opened_messages`;

// Delivered messages of the campaign (outbound, status sent) found through their tasks
// (tasks_step_idx, then messages_task_key), their open statistics by message_open_stats_message_key;
// one pass grouped three ways: campaign, step, variant.
const CAMPAIGN = `
  WITH delivered AS (
    SELECT t.step_id, m.step_experiment_id, m.variant_id, m.id AS message_id
      FROM outreach.tasks t
      JOIN outreach.messages m ON m.organisation_id = t.organisation_id AND m.task_id = t.id
     WHERE t.organisation_id = $1 AND t.campaign_id = $2
       AND m.direction = 'outbound' AND m.status = 'sent'
  ), grouped AS (
    SELECT d.step_id, d.step_experiment_id, d.variant_id,
           GROUPING(d.step_id, d.step_experiment_id, d.variant_id) AS level, ${TOTALS}
      FROM delivered d
      LEFT JOIN tracking.message_open_stats o
        ON o.organisation_id = $1 AND o.message_id = d.message_id
     GROUP BY GROUPING SETS ((), (d.step_id), (d.step_id, d.step_experiment_id, d.variant_id))
  )
  SELECT g.*, s.step_order, v.key AS variant_key
    FROM grouped g
    LEFT JOIN outreach.workflow_steps s
      ON s.organisation_id = $1 AND s.campaign_id = $2 AND s.id = g.step_id
    LEFT JOIN outreach.step_experiment_variants v
      ON v.organisation_id = $1 AND v.experiment_id = g.step_experiment_id AND v.id = g.variant_id
   ORDER BY s.step_order NULLS FIRST, v.key NULLS FIRST`;

interface TotalsRow {
  delivered: number;
  unique_human_opens: number;
  total_opens: number;
  human_opens: number;
  machine_opens: number;
  machine_opened_messages: number;
}
interface CampaignRow extends TotalsRow {
  step_id: string | null;
  step_experiment_id: string | null;
  variant_id: string | null;
  /** GROUPING(): 7 = campaign total, 3 = per step, 0 = per variant. */
  level: number;
  step_order: number | null;
  variant_key: string | null;
}
interface MessageRow {
  message_id: string;
  status: MessageStatus;
  open_count: number | null;
  human_open_count: number | null;
  machine_open_count: number | null;
  proxy_open_count: number | null;
  bot_open_count: number | null;
  first_open_at: Date | null;
  last_open_at: Date | null;
  first_human_open_at: Date | null;
  last_human_open_at: Date | null;
  last_open_kind: OpenKind | null;
  last_open_reason: OpenReason | null;
}

/**
 * tracking.message_open_stats: what the tracker's flusher writes (many messages of one
 * organisation per statement) and the open figures the api reads (per message, and per
 * campaign, step and A/B variant over delivered messages). Every method takes the organisation
 * first and filters on organisation_id; row-level security applies too.
 */
export class OpenStatsRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /**
   * The outbound messages among `messageIds` that still exist, with their sent_at, locked
   * FOR KEY SHARE until the transaction ends so that none is deleted before `record` writes.
   */
  async trackedMessages(
    organisationId: OrganisationId,
    messageIds: readonly string[],
  ): Promise<TrackedMessage[]> {
    if (messageIds.length === 0) return [];
    checkIds(messageIds, 'id');
    const rows = await runQuery<{ message_id: string; sent_at: Date | null }[]>(
      this.#manager,
      TRACKED,
      [organisationId, [...new Set(messageIds)]],
    );
    return rows.map((row) => ({ messageId: row.message_id, sentAt: row.sent_at }));
  }

  /**
   * Adds the tallies to the messages' open statistics (creating the row on a first open), in
   * one statement; returns the number of messages written. One tally per message (the caller
   * adds them up): a second one in the same call is refused.
   */
  async record(
    organisationId: OrganisationId,
    tallies: readonly MessageOpenTally[],
  ): Promise<number> {
    if (tallies.length === 0) return 0;
    const ids = tallies.map((tally) => tally.messageId);
    checkIds(ids, 'message_id');
    if (new Set(ids).size !== ids.length) {
      throw new InvalidInputError(
        'invalid_value',
        'message_open_stats',
        'message_id',
        'one tally per message: add the opens of a message up before recording them',
      );
    }
    const rows = await runQuery<{ recorded: number }[]>(this.#manager, RECORD, [
      organisationId,
      ids,
      tallies.map((t) => t.human),
      tallies.map((t) => t.proxy),
      tallies.map((t) => t.bot),
      tallies.map((t) => t.firstOpenAt),
      tallies.map((t) => t.lastOpenAt),
      tallies.map((t) => t.firstHumanOpenAt),
      tallies.map((t) => t.lastHumanOpenAt),
      tallies.map((t) => t.lastKind),
      tallies.map((t) => t.lastReason),
      tallies.map((t) => t.lastUserAgent),
      tallies.map((t) => t.lastIpClass),
      tallies.map((t) => t.lastIpNetwork),
    ]);
    return rows[0]?.recorded ?? 0;
  }

  /** Open figures of one message of the organisation (zeros before any open), or null. */
  async forMessage(
    organisationId: OrganisationId,
    messageId: string,
  ): Promise<MessageOpenStatsView | null> {
    if (!isUuid(messageId)) return null;
    const rows = await runQuery<MessageRow[]>(
      this.#manager,
      `SELECT m.id AS message_id, m.status, o.open_count, o.human_open_count, o.machine_open_count,
              o.proxy_open_count, o.bot_open_count, o.first_open_at, o.last_open_at,
              o.first_human_open_at, o.last_human_open_at, o.last_open_kind, o.last_open_reason
         FROM outreach.messages m
         LEFT JOIN tracking.message_open_stats o
           ON o.organisation_id = m.organisation_id AND o.message_id = m.id
        WHERE m.organisation_id = $1 AND m.id = $2`,
      [organisationId, messageId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      messageId: row.message_id,
      status: row.status,
      opened: row.first_human_open_at !== null,
      totalOpens: row.open_count ?? 0,
      humanOpens: row.human_open_count ?? 0,
      machineOpens: row.machine_open_count ?? 0,
      proxyOpens: row.proxy_open_count ?? 0,
      botOpens: row.bot_open_count ?? 0,
      firstOpenAt: row.first_open_at,
      lastOpenAt: row.last_open_at,
      firstHumanOpenAt: row.first_human_open_at,
      lastHumanOpenAt: row.last_human_open_at,
      lastOpenKind: row.last_open_kind,
      lastOpenReason: row.last_open_reason,
    };
  }

  /**
   * Open figures of a campaign over its delivered messages (outbound, status sent): the
   * campaign, each step and each A/B variant. Null when the organisation has no such campaign.
   */
  async forCampaign(
    organisationId: OrganisationId,
    campaignId: string,
  ): Promise<CampaignOpenStats | null> {
    if (!isUuid(campaignId)) return null;
    const exists = await runQuery<unknown[]>(
      this.#manager,
      'SELECT 1 FROM outreach.campaigns WHERE organisation_id = $1 AND id = $2',
      [organisationId, campaignId],
    );
    if (exists.length === 0) return null;
    const rows = await runQuery<CampaignRow[]>(this.#manager, CAMPAIGN, [
      organisationId,
      campaignId,
    ]);
    const totalRow = rows.find((row) => row.level === 7);
    return {
      campaignId,
      total: totals(totalRow),
      steps: rows
        .filter((row) => row.level === 3 && row.step_id !== null)
        .map((row) => ({
          stepId: row.step_id ?? '',
          stepOrder: row.step_order ?? 0,
          ...totals(row),
        })),
      variants: rows
        .filter((row) => row.level === 0 && row.variant_id !== null)
        .map((row) => ({
          stepId: row.step_id ?? '',
          experimentId: row.step_experiment_id ?? '',
          variantId: row.variant_id ?? '',
          variantKey: row.variant_key ?? '',
          ...totals(row),
        })),
    };
  }
}

function totals(row: TotalsRow | undefined): OpenTotals {
  const delivered = row?.delivered ?? 0;
  const uniqueHumanOpens = row?.unique_human_opens ?? 0;
  const machineOpenedMessages = row?.machine_opened_messages ?? 0;
  return {
    delivered,
    uniqueHumanOpens,
    totalOpens: row?.total_opens ?? 0,
    humanOpens: row?.human_opens ?? 0,
    machineOpens: row?.machine_opens ?? 0,
    machineOpenedMessages,
    openRate: delivered === 0 ? null : uniqueHumanOpens / delivered,
    machineOpenedRate: delivered === 0 ? null : machineOpenedMessages / delivered,
  };
}

function checkIds(ids: readonly string[], field: string): void {
  for (const id of ids) {
    if (isUuid(id)) continue;
    throw new InvalidInputError(
      'invalid_value',
      'message_open_stats',
      field,
      `message ids must be UUIDs, got ${JSON.stringify(id)}`,
    );
  }
}
