import { QueryFailedError, type DataSource } from 'typeorm';
import { statementTimeoutOf } from '../data-source.factory.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import {
  MEMBERSHIP_STATUSES,
  ORGANISATION_ROLES,
  type MembershipStatus,
  type OrganisationRole,
} from '../iam/organisation-role.js';
import { asOrganisationId, isUuid, type OrganisationId } from '../organisation-id.js';

/** A task the caller now holds until `leaseExpiresAt`; its data is read in a tenant transaction. */
export interface ClaimedTask {
  organisationId: OrganisationId;
  taskId: string;
  /** The attempt this claim starts (1 for the first run), i.e. the task's new `attempts`. */
  attempt: number;
  leaseExpiresAt: Date;
}

export interface ClaimDueTasksOptions {
  /** Who holds the lease (`tasks.locked_by`): a worker instance id, 1 to 200 characters. */
  owner: string;
  /** Lease length, 1 000 to 3 600 000 ms; rounded up to whole seconds. */
  leaseMs: number;
  /** At most this many tasks, 1 to 1 000. */
  batchSize: number;
}

/** A mailbox of some organisation, as ids (inbound mail: sync, push). */
export interface MailboxRef {
  organisationId: OrganisationId;
  mailboxId: string;
}

export interface ResolvedTrackingToken {
  organisationId: OrganisationId;
  messageId: string;
}

/** A running A/B experiment that completes itself, to be evaluated in its organisation. */
export interface ExperimentToEvaluate {
  organisationId: OrganisationId;
  experimentId: string;
}

/** A campaign whose stats changed since its rollup (change markers), for the worker's rebuild. */
export interface CampaignToRollUp {
  organisationId: OrganisationId;
  campaignId: string;
}

export interface UserMembership {
  organisationId: OrganisationId;
  role: OrganisationRole;
  status: MembershipStatus;
}

/** `<base64url(organisation id, 16 bytes)>.<base64url(>= 16 random bytes)>`, as in SQL. */
const TRACKING_TOKEN_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]\.[A-Za-z0-9_-]{22,86}$/;

/** Tokens per statement of resolveTrackingTokens (one text[] parameter). */
export const MAX_TOKENS_PER_RESOLVE = 10_000;

/**
 * Whether `token` has the shape of a pixel / unsubscribe token (organisation prefix, dot,
 * 22 to 86 base64url characters), as `tracking.token_organisation_id` checks it: anything else
 * can be ignored without a round trip.
 */
export function isTrackingTokenFormat(token: string): boolean {
  return TRACKING_TOKEN_PATTERN.test(token);
}

interface ClaimRow {
  organisation_id: string;
  task_id: string;
  attempts: number;
  locked_until: Date;
}
interface TokenRow {
  organisation_id: string;
  message_id: string;
}
interface MembershipRow {
  organisation_id: string;
  role: string;
  status: string;
}

/**
 * The only cross-organisation door (`@outreach/db/system`): each method calls one SECURITY
 * DEFINER function of the `platform` schema (migration V20251225_100000), which returns ids, never
 * tenant data. Everything else — reading the task, writing the open — happens afterwards in a
 * tenant transaction for the organisation returned.
 *
 * pgBouncer transaction mode: every call is one unnamed statement (or one transaction for the
 * claim); nothing is set on the session.
 */
export class SystemDatabase {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims due tasks of every organisation (pending and due, or running with an expired lease),
   * oldest first, skipping tasks another claimer holds. Runs in its own short transaction whose
   * first statement sets the DataSource's `statement_timeout` (transaction-local): the claim
   * writes, so it is bounded like tenant work. Invalid options → `InvalidInputError` (the
   * function's SQLSTATE 22023, field = the SQL argument).
   */
  async claimDueTasks(options: ClaimDueTasksOptions): Promise<ClaimedTask[]> {
    // Non-numbers go to SQL as NULL so that the function stays the one place that says why.
    const leaseSeconds = Number.isFinite(options.leaseMs)
      ? Math.ceil(options.leaseMs / 1000)
      : null;
    const batchSize = Number.isInteger(options.batchSize) ? options.batchSize : null;
    const timeout = String(statementTimeoutOf(this.dataSource));
    const rows = await this.dataSource
      .transaction(async (manager) => {
        await manager.query(`SELECT set_config('statement_timeout', $1, true)`, [timeout]);
        return manager.query<ClaimRow[]>(
          `SELECT organisation_id, task_id, attempts, locked_until
             FROM platform.claim_due_tasks($1, $2, $3)`,
          [options.owner, leaseSeconds, batchSize],
        );
      })
      .catch((error: unknown) => {
        throw translateArgumentError(error);
      });
    return rows.map((row) => ({
      organisationId: asOrganisationId(row.organisation_id),
      taskId: row.task_id,
      attempt: row.attempts,
      leaseExpiresAt: row.locked_until,
    }));
  }

  /**
   * Organisation and message of a pixel / unsubscribe token (one token per message serves
   * both), or null for a malformed or unknown token. A token that cannot be one is refused here
   * without a round trip; the SQL function decides for the rest. One read-only statement outside
   * any transaction: an index lookup that never waits on a lock, bounded by the server's
   * statement_timeout (set it on the login role) rather than three more round trips per pixel.
   */
  async resolveTrackingToken(token: string): Promise<ResolvedTrackingToken | null> {
    if (!isTrackingTokenFormat(token)) return null;
    const rows = await this.dataSource.query<TokenRow[]>(
      'SELECT organisation_id, message_id FROM platform.resolve_tracking_token($1)',
      [token],
    );
    const row = rows[0];
    return row
      ? { organisationId: asOrganisationId(row.organisation_id), messageId: row.message_id }
      : null;
  }

  /**
   * resolveTrackingToken for many tokens in one statement (the tracker's flusher): a map from
   * each token that resolves to its organisation and message; malformed and unknown tokens are
   * left out. Duplicates are resolved once. At most MAX_TOKENS_PER_RESOLVE distinct tokens.
   */
  async resolveTrackingTokens(
    tokens: readonly string[],
  ): Promise<Map<string, ResolvedTrackingToken>> {
    const distinct = [...new Set(tokens)].filter(isTrackingTokenFormat);
    const resolved = new Map<string, ResolvedTrackingToken>();
    if (distinct.length === 0) return resolved;
    if (distinct.length > MAX_TOKENS_PER_RESOLVE) {
      throw new InvalidInputError(
        'invalid_value',
        'pixels',
        'token',
        `at most ${MAX_TOKENS_PER_RESOLVE} tokens per call, got ${distinct.length}`,
      );
    }
    const rows = await this.dataSource.query<(TokenRow & { token: string })[]>(
      `SELECT t.token, r.organisation_id, r.message_id
         FROM unnest($1::text[]) AS t(token)
        CROSS JOIN LATERAL platform.resolve_tracking_token(t.token) AS r`,
      [distinct],
    );
    for (const row of rows) {
      resolved.set(row.token, {
        organisationId: asOrganisationId(row.organisation_id),
        messageId: row.message_id,
      });
    }
    return resolved;
  }

  /**
   * The active mailboxes with IMAP settings of every organisation, as ids
   * (platform.inbound_mailboxes): the worker then reads each one in its organisation's tenant
   * transaction. One read-only statement.
   */
  async inboundMailboxes(): Promise<MailboxRef[]> {
    const rows = await this.dataSource.query<{ organisation_id: string; mailbox_id: string }[]>(
      'SELECT organisation_id, mailbox_id FROM platform.inbound_mailboxes()',
    );
    return rows.map((row) => ({
      organisationId: asOrganisationId(row.organisation_id),
      mailboxId: row.mailbox_id,
    }));
  }

  /**
   * The organisation of a mailbox (platform.resolve_inbound_mailbox), for the push endpoint
   * before it knows whose mailbox it is; null for an unknown id or one that is not a UUID. The
   * secret is checked afterwards, in that organisation.
   */
  async resolveInboundMailbox(mailboxId: string): Promise<MailboxRef | null> {
    if (!isUuid(mailboxId)) return null;
    const rows = await this.dataSource.query<{ organisation_id: string; mailbox_id: string }[]>(
      'SELECT organisation_id, mailbox_id FROM platform.resolve_inbound_mailbox($1)',
      [mailboxId],
    );
    const row = rows[0];
    return row
      ? { organisationId: asOrganisationId(row.organisation_id), mailboxId: row.mailbox_id }
      : null;
  }

  /**
   * Every membership of a user (any status), ordered by organisation id: what the caller needs
   * before an organisation is chosen. One read-only statement, like resolveTrackingToken.
   */
  async listUserMemberships(userId: string): Promise<UserMembership[]> {
    if (!isUuid(userId)) {
      throw new InvalidInputError(
        'invalid_value',
        'organisation_users',
        'user_id',
        `user_id must be a UUID, got ${JSON.stringify(userId)}`,
      );
    }
    const rows = await this.dataSource.query<MembershipRow[]>(
      'SELECT organisation_id, role, status FROM platform.user_memberships($1)',
      [userId],
    );
    return rows.map((row) => ({
      organisationId: asOrganisationId(row.organisation_id),
      role: oneOf(ORGANISATION_ROLES, row.role, 'role'),
      status: oneOf(MEMBERSHIP_STATUSES, row.status, 'status'),
    }));
  }

  /**
   * The running experiments with auto-completion on, of every organisation, as ids ordered by
   * organisation (platform.experiments_to_evaluate): the worker then evaluates each one inside
   * its organisation's tenant transaction. One read-only statement.
   */
  async experimentsToEvaluate(): Promise<ExperimentToEvaluate[]> {
    const rows = await this.dataSource.query<{ organisation_id: string; experiment_id: string }[]>(
      'SELECT organisation_id, experiment_id FROM platform.experiments_to_evaluate()',
    );
    return rows.map((row) => ({
      organisationId: asOrganisationId(row.organisation_id),
      experimentId: row.experiment_id,
    }));
  }

  /** The campaigns of every organisation with stats change markers (ids only). */
  async campaignStatsToRollUp(): Promise<CampaignToRollUp[]> {
    const rows = await this.dataSource.query<{ organisation_id: string; campaign_id: string }[]>(
      'SELECT organisation_id, campaign_id FROM platform.campaign_stats_to_roll_up()',
    );
    return rows.map((row) => ({
      organisationId: asOrganisationId(row.organisation_id),
      campaignId: row.campaign_id,
    }));
  }

  /**
   * Analyses the tables that have rows but no statistics of them yet
   * (platform.analyze_tables_without_statistics, PostgreSQL 17+; nothing on 15 and 16) and
   * returns their names, `schema.table`. Until its first ANALYZE a table's plans treat every
   * index as equally good, and the engine's cached plans keep such a choice (V20251231_600000).
   * One statement, its own transaction; another caller running it makes this one return [].
   */
  async analyzeTablesWithoutStatistics(): Promise<string[]> {
    const rows = await this.dataSource.query<{ table_name: string }[]>(
      'SELECT table_name FROM platform.analyze_tables_without_statistics()',
    );
    return rows.map((row) => row.table_name);
  }
}

/** A CHECK-listed value; anything else means the schema and this package disagree (a bug). */
function oneOf<T extends string>(allowed: readonly T[], value: string, field: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new Error(
      `organisation_users.${field} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`,
    );
  }
  return found;
}

/** SQLSTATE 22023 from claim_due_tasks (the argument named in COLUMN) → InvalidInputError. */
function translateArgumentError(error: unknown): unknown {
  if (!(error instanceof QueryFailedError)) return error;
  const driverError: unknown = error.driverError;
  if (typeof driverError !== 'object' || driverError === null) return error;
  const { code, column, message } = driverError as {
    code?: string;
    column?: string;
    message?: string;
  };
  if (code !== '22023') return error;
  return new InvalidInputError(
    'invalid_value',
    undefined,
    column?.replace(/^p_/, ''),
    message ?? 'invalid argument',
    undefined,
    { cause: error },
  );
}
