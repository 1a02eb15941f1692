import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import type { OpeningRead } from '../tenant-transaction.js';
import { runQuery } from './entity-rows.js';

/** Everything the sequence engine reads to decide and render one send task, in one statement. */
export interface SendTaskContext {
  task: {
    id: string;
    status: string;
    attempts: number;
    maxAttempts: number;
    lockedUntil: Date | null;
    campaignId: string;
    enrollmentId: string;
    stepId: string;
  };
  enrollment: {
    id: string;
    status: string;
    positionId: string;
    currentStepId: string | null;
    /** End of an automatic pause (out-of-office), ISO; null for a manual pause or none. */
    pausedUntil?: string | null;
  };
  campaign: {
    id: string;
    status: string;
    mailboxId: string | null;
    timezone: string;
    sendingWindowStart: string;
    sendingWindowEnd: string;
    sendingDays: number[];
    dailyLimit: number;
    trackOpens: boolean;
    publicHolidays: string | null;
  };
  organisationTrackOpens: boolean;
  step: {
    id: string;
    stepOrder: number;
    delayDays: number;
    exitOnReply: boolean;
    sendAsReply: boolean;
    subjectTemplate: string | null;
    bodyTemplate: string | null;
    promptId: string | null;
  };
  /** The step after this one (by step order), null when this is the last. */
  nextStep: { id: string; delayDays: number } | null;
  mailbox: SendMailbox | null;
  position: { id: string; email: string | null; title: string | null; status: string };
  person: { firstName: string | null; lastName: string | null; timezone: string | null };
  company: {
    name: string;
    city: string | null;
    domain: string | null;
    websiteUrl: string | null;
    nafCode: string | null;
  };
  /** This task's message when an earlier attempt wrote one (at most one per task). */
  message: ExistingSendMessage | null;
  /** The enrollment's earlier outbound messages that went out, oldest first (the thread). */
  thread: Array<{ messageId: string; subject: string | null }>;
  /** Whether the prospect answered on this enrollment (an inbound human reply). */
  replied: boolean;
  /** The suppression entry matching the address or its domain, if any. */
  suppression: { kind: string; value: string; reason: string } | null;
  /** The step's running experiment, or its completed one with a winner; null otherwise. */
  experiment: SendExperiment | null;
}

export interface SendMailbox {
  id: string;
  emailAddress: string;
  displayName: string | null;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: 'tls' | 'starttls' | 'none';
  smtpUsername: string;
  smtpPasswordEncrypted: Buffer;
  imapHost: string | null;
  imapPort: number | null;
  imapSecurity: 'tls' | 'starttls' | 'none' | null;
  imapUsername: string | null;
  imapPasswordEncrypted: Buffer | null;
  secretKeyId: string;
  dailyCap: number;
  warmupStartPerDay: number | null;
  warmupIncrementPerDay: number | null;
  warmupTargetPerDay: number | null;
  warmupStartedOn: string | null;
  minSpacingSeconds: number;
  status: 'active' | 'paused' | 'error';
  lastError: string | null;
  /** Changes whenever the mailbox does: pooled SMTP transports are rebuilt on change. */
  version: string;
}

export interface ExistingSendMessage {
  id: string;
  status: string;
  messageId: string | null;
  subject: string | null;
  bodyText: string | null;
  bodyHtml: string | null;
  inReplyTo: string | null;
  stepExperimentId: string | null;
  variantId: string | null;
  pixelToken: string | null;
  error: string | null;
}

export interface SendExperiment {
  id: string;
  status: 'running' | 'completed';
  winnerVariantId: string | null;
  variants: Array<{
    id: string;
    key: string;
    weight: number;
    subjectTemplate: string | null;
    bodyTemplate: string | null;
    promptId: string | null;
  }>;
}

/** What one outbound message is, before it is sent (status sending). */
export interface OutboundMessageDraft {
  taskId: string;
  enrollmentId: string;
  positionId: string;
  mailboxId: string;
  fromEmail: string;
  fromName: string | null;
  toEmail: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  messageId: string;
  inReplyTo: string | null;
  experimentId: string | null;
  variantId: string | null;
  /** The pixel / unsubscribe token (newTrackingToken); an earlier attempt's pixel is kept. */
  token: string;
}

/** The mailbox's and the campaign's sends since the given instants, and the latest send. */
export interface SendCounts {
  mailboxSends: number;
  campaignSends: number;
  lastMailboxSendAt: Date | null;
}

/** The day's limits a send is written within (delivery.write_sending_within_caps). */
export interface SendCaps {
  campaignId: string;
  /** The campaign's local day the caps count in (YYYY-MM-DD). */
  day: string;
  /** The counter row (0-15) the send is counted in. */
  shard: number;
  /** The mailbox's sends allowed that day: its daily cap, or less on its warm-up ramp. */
  mailboxAllowance: number;
  campaignLimit: number;
  /** The minimum time since the mailbox's latest send, jitter included; 0: no spacing. */
  spacingMs: number;
  /** Sends left before a cap above which the committed counts are trusted without the lock. */
  unlockedHeadroom: number;
  now: Date;
}

/** A send job's first read: whether its organisation exists, and the task's context. */
export interface SendTaskLookup {
  organisationExists: boolean;
  /** Null when the organisation has no such task. */
  context: SendTaskContext | null;
}

/** What writeSendingWithinCaps did: the message written (or null at a cap) and the counts. */
export interface SendWithinCaps {
  written: { id: string; token: string } | null;
  counts: SendCounts;
}

/** The message went out: what records it (recordSent). */
export interface SentRecord {
  taskId: string;
  messageRowId: string;
  enrollmentId: string;
  campaignId: string;
  sentAt: Date;
  next: { stepId: string; dueAt: Date } | null;
}

/**
 * The task's context as one JSON document from delivery.send_task_context (migration
 * V20251228_300000): a PL/pgSQL function, so that PostgreSQL plans its dozen subqueries once per
 * server connection instead of on every send (no prepared statements behind pgBouncer).
 */
const CONTEXT = `SELECT delivery.send_task_context($1, $2) AS context`;

const RECORD_SENT = `SELECT delivery.record_sent($1, $2, $3, $4, $5, $6, $7, $8)`;

/** A value as an SQL literal of the simple protocol (escaped by pg.escapeLiteral), or NULL. */
function literal(
  value: string | number | Date | null,
  type: 'uuid' | 'text' | 'date' | 'timestamptz' | 'integer' | 'smallint',
): string {
  if (value === null) return `NULL::${type}`;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${String(value)}`);
    return `${String(value)}::${type}`;
  }
  const text = value instanceof Date ? value.toISOString() : value;
  return `${pg.escapeLiteral(text)}::${type}`;
}

function organisationLiteral(organisationId: OrganisationId): string {
  if (!isUuid(organisationId)) throw new Error('a validated organisation id is needed');
  return `'${organisationId}'::uuid`;
}

function contextFrom(raw: RawContext | undefined): SendTaskContext | null {
  if (!raw) return null;
  const mailbox: SendMailbox | null = raw.mailbox
    ? {
        ...raw.mailbox,
        smtpPasswordEncrypted: Buffer.from(raw.mailbox.smtpPasswordEncrypted, 'base64'),
        imapPasswordEncrypted:
          raw.mailbox.imapPasswordEncrypted === null
            ? null
            : Buffer.from(raw.mailbox.imapPasswordEncrypted, 'base64'),
      }
    : null;
  return {
    ...raw,
    task: {
      ...raw.task,
      lockedUntil: raw.task.lockedUntil === null ? null : new Date(raw.task.lockedUntil),
    },
    mailbox,
  };
}

function lookupFrom(row: Record<string, unknown> | undefined): SendTaskLookup {
  const found = row as { organisation?: boolean; context?: RawContext | null } | undefined;
  return {
    organisationExists: found?.organisation === true,
    context: contextFrom(found?.context ?? undefined),
  };
}

/** What write_sending_within_caps (or write_sending_many for one draft) answered. */
function withinCapsFrom(taskId: string, row: Record<string, unknown> | undefined): SendWithinCaps {
  const answer = row as
    | {
        message_row_id: string | null;
        pixel_token: string | null;
        mailbox_sends: number | null;
        campaign_sends: number | null;
        last_mailbox_send_at: Date | null;
      }
    | undefined;
  if (!answer) throw new Error(`task ${taskId}: no answer from write_sending_within_caps`);
  return {
    written:
      answer.message_row_id !== null && answer.pixel_token !== null
        ? { id: answer.message_row_id, token: answer.pixel_token }
        : null,
    // Null for a draft written with its batch (its counts were read before, and not needed).
    counts: {
      mailboxSends: answer.mailbox_sends ?? 0,
      campaignSends: answer.campaign_sends ?? 0,
      lastMailboxSendAt: answer.last_mailbox_send_at ? new Date(answer.last_mailbox_send_at) : null,
    },
  };
}

/** A merged statement's row of the item at `index` (its `item` column counts from 1). */
function itemRow(
  rows: Record<string, unknown>[],
  index: number,
): Record<string, unknown> | undefined {
  return rows.find((row) => row.item === index + 1);
}

interface RawContext extends Omit<SendTaskContext, 'mailbox' | 'task'> {
  task: Omit<SendTaskContext['task'], 'lockedUntil'> & { lockedUntil: string | null };
  mailbox:
    | (Omit<SendMailbox, 'smtpPasswordEncrypted' | 'imapPasswordEncrypted'> & {
        smtpPasswordEncrypted: string;
        imapPasswordEncrypted: string | null;
      })
    | null;
}

/**
 * outreach.tasks and outreach.messages as the sequence engine drives them: read a claimed task's
 * whole context, keep the A/B assignment, write the message (status sending) and its pixel before
 * any SMTP call, then record what SMTP answered and schedule the next step. Every method takes
 * the organisation first and runs in the caller's tenant transaction.
 */
export class SendTaskRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /**
   * The task and everything its send depends on, the task row locked until the transaction
   * ends (FOR UPDATE: two processors of one task serialise here). Null when there is no such task.
   */
  async context(organisationId: OrganisationId, taskId: string): Promise<SendTaskContext | null> {
    const rows = await runQuery<Array<{ context: RawContext }>>(this.#manager, CONTEXT, [
      organisationId,
      taskId,
    ]);
    return contextFrom(rows[0]?.context);
  }

  /**
   * A send job's first read, as one statement (runTenantStatement: its own transaction, one round
   * trip): whether the organisation exists — the job's organisation check — and the task's
   * context (the task row locked only for the read). Simple protocol: the values are literals
   * (the organisation a validated UUID, the task id escaped by pg.escapeLiteral).
   */
  static contextLookup(
    organisationId: OrganisationId,
    taskId: string,
  ): OpeningRead<SendTaskLookup> {
    const organisation = organisationLiteral(organisationId);
    const task = literal(taskId, 'uuid');
    const exists = `EXISTS (SELECT FROM iam.organisations WHERE id = ${organisation}) AS organisation`;
    return {
      sql: `SELECT ${exists}, delivery.send_task_context(${organisation}, ${task}) AS context`,
      read: (rows) => lookupFrom(rows[0]),
      // Several tasks' contexts: delivery.send_task_contexts (V20251231_500000), one statement.
      merge: {
        item: task,
        sql: (items) =>
          `SELECT c.item, ${exists}, c.context ` +
          `FROM delivery.send_task_contexts(${organisation}, ARRAY[${items.join(', ')}]) c`,
        read: (rows, index) => lookupFrom(itemRow(rows, index)),
      },
    };
  }

  /**
   * The variant this enrollment has for the experiment: the stored one, or `proposed` stored now
   * (insert-only; a concurrent assignment wins and is returned).
   */
  async assignVariant(
    organisationId: OrganisationId,
    enrollmentId: string,
    experimentId: string,
    proposedVariantId: string,
  ): Promise<string> {
    const rows = await runQuery<Array<{ variant_id: string }>>(
      this.#manager,
      `WITH inserted AS (
         INSERT INTO outreach.enrollment_step_variant_assignments
                (organisation_id, enrollment_id, experiment_id, variant_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (organisation_id, enrollment_id, experiment_id) DO NOTHING
         RETURNING variant_id)
       SELECT variant_id FROM inserted
        UNION ALL
       SELECT variant_id FROM outreach.enrollment_step_variant_assignments
        WHERE organisation_id = $1 AND enrollment_id = $2 AND experiment_id = $3
        LIMIT 1`,
      [organisationId, enrollmentId, experimentId, proposedVariantId],
    );
    const row = rows[0];
    if (!row) throw new Error(`assignVariant: no assignment for enrollment ${enrollmentId}`);
    return row.variant_id;
  }

  /** A prompt's content and model, or null when this organisation has no such prompt. */
  async prompt(
    organisationId: OrganisationId,
    promptId: string,
  ): Promise<{ content: string; model: string | null; purpose: string } | null> {
    const rows = await runQuery<Array<{ content: string; model: string | null; purpose: string }>>(
      this.#manager,
      `SELECT content, model, purpose FROM outreach.prompts WHERE organisation_id = $1 AND id = $2`,
      [organisationId, promptId],
    );
    return rows[0] ?? null;
  }

  /**
   * Writes the task's message with status `sending` (a new row, or the task's `queued` one from
   * an attempt that did not go out) and makes sure it has a pixel, within the day's caps and the
   * mailbox's spacing, and counts the send — one statement (delivery.write_sending_within_caps):
   * far from every cap and without spacing the committed counts are trusted (sends of one mailbox
   * commit in parallel on the counter shards); otherwise the mailbox's lock (transaction-scoped,
   * safe behind pgBouncer) makes them exact across workers. At a cap or too soon after the
   * mailbox's latest send nothing is written (`written` null) and the counts say why. A statement
   * of its own (runTenantStatement: its own transaction, one round trip), committed before any
   * SMTP call; simple protocol, so every value is a literal escaped by pg.escapeLiteral.
   */
  static writeSendingWithinCaps(
    organisationId: OrganisationId,
    draft: OutboundMessageDraft,
    caps: SendCaps,
  ): OpeningRead<SendWithinCaps> {
    const organisation = organisationLiteral(organisationId);
    const args = [
      literal(draft.taskId, 'uuid'),
      literal(draft.enrollmentId, 'uuid'),
      literal(draft.positionId, 'uuid'),
      literal(draft.experimentId, 'uuid'),
      literal(draft.variantId, 'uuid'),
      literal(draft.mailboxId, 'uuid'),
      literal(draft.fromEmail, 'text'),
      literal(draft.fromName, 'text'),
      literal(draft.toEmail, 'text'),
      literal(draft.subject, 'text'),
      literal(draft.bodyText, 'text'),
      literal(draft.bodyHtml, 'text'),
      literal(draft.messageId, 'text'),
      literal(draft.inReplyTo, 'text'),
      literal(draft.token, 'text'),
      literal(caps.campaignId, 'uuid'),
      literal(caps.day, 'date'),
      literal(caps.shard, 'smallint'),
      literal(caps.mailboxAllowance, 'integer'),
      literal(caps.campaignLimit, 'integer'),
      literal(Math.max(0, Math.ceil(caps.spacingMs)), 'integer'),
      literal(caps.unlockedHeadroom, 'integer'),
      literal(caps.now, 'timestamptz'),
    ];
    const columns =
      'message_row_id, pixel_token, mailbox_sends, campaign_sends, last_mailbox_send_at';
    return {
      sql: `SELECT ${columns}
              FROM delivery.write_sending_within_caps(${organisation}, ${args.join(', ')})`,
      read: (rows) => withinCapsFrom(draft.taskId, rows[0]),
      // Several sends: delivery.write_sending_many (V20251231_500000) writes those far from every
      // cap together (each table once) and the others one by one, as this statement would.
      merge: {
        item: `ROW(${args.join(', ')})::delivery.sending_draft`,
        sql: (items) =>
          `SELECT item, ${columns}
             FROM delivery.write_sending_many(${organisation}, ARRAY[${items.join(', ')}])`,
        read: (rows, index) => withinCapsFrom(draft.taskId, itemRow(rows, index)),
      },
    };
  }

  /**
   * The message went out: message `sent`, task completed, the enrollment moved to the next step
   * with its task due at `next.dueAt`, or completed after the last step.
   */
  async recordSent(organisationId: OrganisationId, input: SentRecord): Promise<void> {
    await runQuery(this.#manager, RECORD_SENT, [
      organisationId,
      input.taskId,
      input.messageRowId,
      input.enrollmentId,
      input.campaignId,
      input.sentAt,
      input.next?.stepId ?? null,
      input.next?.dueAt ?? null,
    ]);
  }

  /**
   * recordSent() as a statement of its own (runTenantStatement: one round trip, its own
   * transaction): what follows every accepted SMTP send. Simple protocol: literals, escaped.
   */
  static recordSentStatement(organisationId: OrganisationId, input: SentRecord): OpeningRead<void> {
    const organisation = organisationLiteral(organisationId);
    const args = [
      literal(input.taskId, 'uuid'),
      literal(input.messageRowId, 'uuid'),
      literal(input.enrollmentId, 'uuid'),
      literal(input.campaignId, 'uuid'),
      literal(input.sentAt, 'timestamptz'),
      literal(input.next?.stepId ?? null, 'uuid'),
      literal(input.next?.dueAt ?? null, 'timestamptz'),
    ].join(', ');
    return {
      sql: `SELECT delivery.record_sent(${organisation}, ${args})`,
      read: () => undefined,
      // Several records: delivery.record_sent_many (V20251231_500000), one statement per table.
      merge: {
        item: `ROW(${args})::delivery.sent_record`,
        sql: (items) =>
          `SELECT delivery.record_sent_many(${organisation}, ARRAY[${items.join(', ')}])`,
        read: () => undefined,
      },
    };
  }

  /** Sets the task's message status (and its error); `sent_at` is set for bounced. */
  async setMessageStatus(
    organisationId: OrganisationId,
    messageRowId: string,
    status: 'queued' | 'failed' | 'bounced',
    error: string | null,
  ): Promise<void> {
    await runQuery(
      this.#manager,
      `UPDATE outreach.messages
          SET status = $3, error = left($4, 10000),
              sent_at = CASE WHEN $3 = 'bounced' THEN coalesce(sent_at, now()) ELSE sent_at END
        WHERE organisation_id = $1 AND id = $2`,
      [organisationId, messageRowId, status, error],
    );
  }

  /**
   * Gives the task back without using an attempt (outside the sending window, a cap reached, the
   * campaign or mailbox not ready): pending again from `until`, the reason kept in last_error.
   */
  async defer(
    organisationId: OrganisationId,
    taskId: string,
    until: Date,
    reason: string,
  ): Promise<void> {
    await runQuery(
      this.#manager,
      `UPDATE outreach.tasks
          SET status = 'pending', locked_by = NULL, locked_until = NULL, next_attempt_at = $3,
              attempts = greatest(attempts - 1, 0), last_error = left($4, 10000)
        WHERE organisation_id = $1 AND id = $2 AND status = 'running'`,
      [organisationId, taskId, until, reason],
    );
  }

  /**
   * An attempt failed and may be tried again at `at` (the attempt stays used); with no attempt
   * left the task fails instead. Returns what happened.
   */
  async retryOrFail(
    organisationId: OrganisationId,
    taskId: string,
    at: Date,
    error: string,
  ): Promise<'retry' | 'failed'> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows] = await runQuery<[Array<{ status: string }>, number]>(
      this.#manager,
      `UPDATE outreach.tasks
          SET status = CASE WHEN attempts < max_attempts THEN 'pending' ELSE 'failed' END,
              next_attempt_at = CASE WHEN attempts < max_attempts THEN $3 ELSE next_attempt_at END,
              completed_at = CASE WHEN attempts < max_attempts THEN NULL ELSE now() END,
              locked_by = NULL, locked_until = NULL, last_error = left($4, 10000)
        WHERE organisation_id = $1 AND id = $2 AND status = 'running'
        RETURNING status`,
      [organisationId, taskId, at, error],
    );
    return rows[0]?.status === 'pending' ? 'retry' : 'failed';
  }

  /** Ends the task (failed, skipped or cancelled) with its reason. */
  async finish(
    organisationId: OrganisationId,
    taskId: string,
    status: 'failed' | 'skipped' | 'cancelled',
    reason: string,
  ): Promise<void> {
    await this.#completeTask(organisationId, taskId, status, reason);
  }

  /** The mailbox cannot send (authentication refused): status error with the server's answer. */
  async markMailboxError(
    organisationId: OrganisationId,
    mailboxId: string,
    error: string,
  ): Promise<void> {
    await runQuery(
      this.#manager,
      `UPDATE delivery.mailboxes SET status = 'error', last_error = left($3, 2000), last_error_at = now()
        WHERE organisation_id = $1 AND id = $2`,
      [organisationId, mailboxId, error],
    );
  }

  async #completeTask(
    organisationId: OrganisationId,
    taskId: string,
    status: 'completed' | 'failed' | 'skipped' | 'cancelled',
    reason: string | null,
  ): Promise<void> {
    await runQuery(
      this.#manager,
      `UPDATE outreach.tasks
          SET status = $3, locked_by = NULL, locked_until = NULL, completed_at = now(),
              last_error = coalesce(left($4, 10000), last_error)
        WHERE organisation_id = $1 AND id = $2`,
      [organisationId, taskId, status, reason],
    );
  }
}
