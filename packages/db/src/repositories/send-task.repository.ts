import type { EntityManager } from 'typeorm';
import type { OrganisationId } from '../organisation-id.js';
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

/**
 * The task's context as one JSON document from delivery.send_task_context (migration
 * V20251228_300000): a PL/pgSQL function, so that PostgreSQL plans its dozen subqueries once per
 * server connection instead of on every send (no prepared statements behind pgBouncer).
 */
const CONTEXT = `SELECT delivery.send_task_context($1, $2) AS context`;

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
    const raw = rows[0]?.context;
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
   * Serialises the sends of one mailbox until the transaction ends (a transaction-scoped advisory
   * lock: safe behind pgBouncer in transaction mode), so that caps and spacing hold across workers.
   */
  async lockMailbox(organisationId: OrganisationId, mailboxId: string): Promise<void> {
    await runQuery(
      this.#manager,
      `SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0))`,
      [organisationId, mailboxId],
    );
  }

  /**
   * The day's sends of the mailbox (every campaign) and of the campaign, and the mailbox's latest
   * send (today's or yesterday's), from delivery.daily_sends (committed sends: exact under
   * lockMailbox). Three index lookups, whatever the volume.
   */
  async sendCounts(
    organisationId: OrganisationId,
    input: { mailboxId: string; campaignId: string; day: string },
  ): Promise<SendCounts> {
    const rows = await runQuery<
      Array<{ mailbox_sends: number; campaign_sends: number; last_send_at: Date | null }>
    >(
      this.#manager,
      `SELECT (SELECT coalesce(sum(sends), 0)::int FROM delivery.daily_sends
                WHERE organisation_id = $1 AND mailbox_id = $2 AND day = $4::date) AS mailbox_sends,
              (SELECT coalesce(sum(sends), 0)::int FROM delivery.daily_sends
                WHERE organisation_id = $1 AND campaign_id = $3 AND day = $4::date) AS campaign_sends,
              (SELECT max(last_send_at) FROM delivery.daily_sends
                WHERE organisation_id = $1 AND mailbox_id = $2
                  AND day BETWEEN $4::date - 1 AND $4::date) AS last_send_at`,
      [organisationId, input.mailboxId, input.campaignId, input.day],
    );
    const row = rows[0];
    return {
      mailboxSends: row?.mailbox_sends ?? 0,
      campaignSends: row?.campaign_sends ?? 0,
      lastMailboxSendAt: row?.last_send_at ? new Date(row.last_send_at) : null,
    };
  }

  /**
   * Counts one send of the mailbox for the campaign on the day, in counter row `shard` (0-15):
   * after sendCounts, as the transaction's last statement (its row stays locked until commit).
   */
  async countSend(
    organisationId: OrganisationId,
    input: { mailboxId: string; campaignId: string; day: string; shard: number },
  ): Promise<void> {
    await runQuery(
      this.#manager,
      `INSERT INTO delivery.daily_sends
              (organisation_id, mailbox_id, campaign_id, day, shard, sends, last_send_at)
       VALUES ($1, $2, $3, $4::date, $5, 1, now())
       ON CONFLICT (organisation_id, mailbox_id, day, campaign_id, shard)
       DO UPDATE SET sends = delivery.daily_sends.sends + 1, last_send_at = now()`,
      [organisationId, input.mailboxId, input.campaignId, input.day, input.shard],
    );
  }

  /**
   * Writes the task's message with status `sending` (a new row, or the task's `queued` one from
   * an attempt that did not go out) and makes sure it has a pixel: returns the message's row id
   * and its pixel / unsubscribe token (the draft's, or the one an earlier attempt stored). Commit
   * this before any SMTP call.
   */
  async writeSending(
    organisationId: OrganisationId,
    draft: OutboundMessageDraft,
  ): Promise<{ id: string; token: string }> {
    const rows = await runQuery<Array<{ message_row_id: string; pixel_token: string }>>(
      this.#manager,
      `SELECT message_row_id, pixel_token
         FROM delivery.write_sending($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                                     $15, $16)`,
      [
        organisationId,
        draft.taskId,
        draft.enrollmentId,
        draft.positionId,
        draft.experimentId,
        draft.variantId,
        draft.mailboxId,
        draft.fromEmail,
        draft.fromName,
        draft.toEmail,
        draft.subject,
        draft.bodyText,
        draft.bodyHtml,
        draft.messageId,
        draft.inReplyTo,
        draft.token,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error(`task ${draft.taskId}: no message written`);
    return { id: row.message_row_id, token: row.pixel_token };
  }

  /**
   * The message went out: message `sent`, task completed, the enrollment moved to the next step
   * with its task due at `next.dueAt`, or completed after the last step.
   */
  async recordSent(
    organisationId: OrganisationId,
    input: {
      taskId: string;
      messageRowId: string;
      enrollmentId: string;
      campaignId: string;
      sentAt: Date;
      next: { stepId: string; dueAt: Date } | null;
    },
  ): Promise<void> {
    await runQuery(this.#manager, `SELECT delivery.record_sent($1, $2, $3, $4, $5, $6, $7, $8)`, [
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
