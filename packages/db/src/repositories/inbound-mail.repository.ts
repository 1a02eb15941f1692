import type { EntityManager } from 'typeorm';
import type { InboundAction, InboundExitReason } from '../delivery/delivery-values.js';
import type { OrganisationId } from '../organisation-id.js';
import type { InboundClass } from '../outreach/message-status.js';
import { runQuery } from './entity-rows.js';

/** A mailbox's IMAP login as stored (password still encrypted) and its address. */
export interface InboundMailbox {
  id: string;
  emailAddress: string;
  status: string;
  imapHost: string | null;
  imapPort: number | null;
  imapSecurity: 'tls' | 'starttls' | 'none' | null;
  imapUsername: string | null;
  imapPasswordEncrypted: Buffer | null;
  secretKeyId: string;
  inboundSecretHash: Buffer | null;
}

/** Where the sync of one folder stands. UIDs are 32-bit unsigned: numbers are exact. */
export interface FolderSyncState {
  uidValidity: number;
  lastUid: number;
}

/** Our outbound message an inbound one was matched to, with what acting on it needs. */
export interface OutboundMatch {
  id: string;
  status: string;
  toEmail: string;
  mailboxId: string | null;
  enrollmentId: string | null;
  positionId: string | null;
  campaignId: string | null;
}

/** The enrollment an inbound message acts on. */
export interface InboundEnrollment {
  id: string;
  status: string;
  campaignId: string;
  positionId: string;
  pausedUntil: Date | null;
  exitCompanyOnReply: boolean;
  timezone: string;
  /** The step to run next (null: none remains) and whether it exits on a reply. */
  currentStepId: string | null;
  currentStepExitsOnReply: boolean | null;
}

/** An inbound row to store (direction inbound, status received). */
export interface InboundMessageRow {
  mailboxId: string;
  enrollmentId: string | null;
  positionId: string | null;
  repliedToMessageId: string | null;
  fromEmail: string;
  fromName: string | null;
  toEmail: string;
  subject: string | null;
  bodyText: string | null;
  bodyHtml: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  referencesHeader: string | null;
  replyText: string | null;
  inboundClass: InboundClass;
  classificationReason: string;
  returnsOn: string | null;
  receivedAt: Date;
}

/** One line of delivery.inbound_actions. */
export interface InboundActionInput {
  messageId: string;
  enrollmentId: string | null;
  action: InboundAction;
  reason: string;
  exitReason?: InboundExitReason | null;
  pausedUntil?: Date | null;
  suppressionId?: string | null;
}

const MATCH_COLUMNS = `m.id, m.status, m.to_email, m.mailbox_id, m.enrollment_id, m.position_id,
  e.campaign_id`;

/**
 * The latest message sent (or bounced) to an address ($3, by to_email_key: text, so an index
 * condition under row-level security) from the campaigns of a mailbox ($2), optionally in the
 * thread of a subject ($4).
 */
export const LATEST_SENT_TO = `SELECT ${MATCH_COLUMNS}
         FROM outreach.messages m
         JOIN outreach.campaign_enrollments e
           ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
         JOIN outreach.campaigns c
           ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id AND c.mailbox_id = $2
        WHERE m.organisation_id = $1 AND m.direction = 'outbound' AND m.to_email_key = lower($3)
          AND m.status IN ('sent', 'bounced')
          AND ($4::text IS NULL OR lower(btrim(regexp_replace(coalesce(m.subject, ''),
                '^(\\s*(re|tr|fwd?|aw|wg|réf|ref)\\s*(\\[\\d+\\])?\\s*:\\s*)+', '', 'i'))) = lower($4))
        ORDER BY m.sent_at DESC NULLS LAST LIMIT 1`;

/** Soft bounces of the last five messages sent to an address ($2, by to_email_key). */
export const SOFT_BOUNCES_IN_LAST_FIVE = `WITH last AS (
         SELECT id FROM outreach.messages
          WHERE organisation_id = $1 AND direction = 'outbound' AND to_email_key = lower($2)
            AND sent_at IS NOT NULL
          ORDER BY sent_at DESC LIMIT 5)
       SELECT count(DISTINCT i.replied_to_message_id)::int AS bounces
         FROM outreach.messages i JOIN last ON last.id = i.replied_to_message_id
        WHERE i.organisation_id = $1 AND i.direction = 'inbound' AND i.inbound_class = 'soft_bounce'`;

interface MatchRow {
  id: string;
  status: string;
  to_email: string;
  mailbox_id: string | null;
  enrollment_id: string | null;
  position_id: string | null;
  campaign_id: string | null;
}

/**
 * Inbound mail (issue 13): the mailbox and sync position a reader needs, matching an inbound
 * message to our outbound one, storing it, and the enrollment changes it causes. Every method
 * takes the organisation first and runs in the caller's tenant transaction (one per message).
 */
export class InboundMailRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  async mailbox(organisationId: OrganisationId, mailboxId: string): Promise<InboundMailbox | null> {
    const rows = await this.#query<Record<string, unknown>[]>(
      `SELECT id, email_address, status, imap_host, imap_port, imap_security, imap_username,
              imap_password_encrypted, secret_key_id, inbound_secret_hash
         FROM delivery.mailboxes WHERE organisation_id = $1 AND id = $2`,
      [organisationId, mailboxId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as string,
      emailAddress: row.email_address as string,
      status: row.status as string,
      imapHost: row.imap_host as string | null,
      imapPort: row.imap_port as number | null,
      imapSecurity: row.imap_security as InboundMailbox['imapSecurity'],
      imapUsername: row.imap_username as string | null,
      imapPasswordEncrypted: row.imap_password_encrypted as Buffer | null,
      secretKeyId: row.secret_key_id as string,
      inboundSecretHash: row.inbound_secret_hash as Buffer | null,
    };
  }

  /** Stores the SHA-256 of a new push secret (null: push off); false when no such mailbox. */
  async setInboundSecretHash(
    organisationId: OrganisationId,
    mailboxId: string,
    hash: Buffer | null,
  ): Promise<boolean> {
    // A CTE: TypeORM answers an UPDATE … RETURNING with [rows, count], a SELECT with rows.
    const rows = await this.#query<{ updated: number }[]>(
      `WITH updated AS (
         UPDATE delivery.mailboxes SET inbound_secret_hash = $3
          WHERE organisation_id = $1 AND id = $2 RETURNING id)
       SELECT count(*)::int AS updated FROM updated`,
      [organisationId, mailboxId, hash],
    );
    return (rows[0]?.updated ?? 0) > 0;
  }

  async syncState(
    organisationId: OrganisationId,
    mailboxId: string,
    folder: string,
  ): Promise<FolderSyncState | null> {
    const rows = await this.#query<{ uid_validity: string; last_uid: string }[]>(
      `SELECT uid_validity, last_uid FROM delivery.mailbox_sync_states
        WHERE organisation_id = $1 AND mailbox_id = $2 AND folder = $3`,
      [organisationId, mailboxId, folder],
    );
    const row = rows[0];
    return row ? { uidValidity: Number(row.uid_validity), lastUid: Number(row.last_uid) } : null;
  }

  /** Where the folder's sync now stands; clears the last error. */
  async saveSyncState(
    organisationId: OrganisationId,
    mailboxId: string,
    folder: string,
    state: FolderSyncState,
  ): Promise<void> {
    await this.#query(
      `INSERT INTO delivery.mailbox_sync_states
              (organisation_id, mailbox_id, folder, uid_validity, last_uid, last_synced_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (organisation_id, mailbox_id, folder) DO UPDATE
          SET uid_validity = EXCLUDED.uid_validity, last_uid = EXCLUDED.last_uid,
              last_synced_at = now(), last_error = NULL, last_error_at = NULL`,
      [organisationId, mailboxId, folder, state.uidValidity, state.lastUid],
    );
  }

  /** Why the folder's last sync failed (kept until a sync succeeds). */
  async recordSyncError(
    organisationId: OrganisationId,
    mailboxId: string,
    folder: string,
    error: string,
  ): Promise<void> {
    await this.#query(
      `UPDATE delivery.mailbox_sync_states SET last_error = $4, last_error_at = now()
        WHERE organisation_id = $1 AND mailbox_id = $2 AND folder = $3`,
      [organisationId, mailboxId, folder, error.slice(0, 2_000)],
    );
  }

  /** Whether this Message-ID is one of ours (an outbound message), or already stored inbound. */
  async knownMessageId(
    organisationId: OrganisationId,
    messageId: string,
  ): Promise<'outbound' | 'inbound' | null> {
    const rows = await this.#query<{ direction: 'outbound' | 'inbound' }[]>(
      `SELECT direction FROM outreach.messages WHERE organisation_id = $1 AND message_id = $2`,
      [organisationId, messageId],
    );
    return rows[0]?.direction ?? null;
  }

  /**
   * Our outbound message among these Message-IDs (In-Reply-To first, then References newest
   * first, as the caller orders them): the first that is one of ours.
   */
  async matchByMessageIds(
    organisationId: OrganisationId,
    messageIds: readonly string[],
  ): Promise<OutboundMatch | null> {
    if (messageIds.length === 0) return null;
    const rows = await this.#query<MatchRow[]>(
      `SELECT ${MATCH_COLUMNS}
         FROM unnest($2::text[]) WITH ORDINALITY AS wanted(message_id, rank)
         JOIN outreach.messages m
           ON m.organisation_id = $1 AND m.message_id = wanted.message_id
          AND m.direction = 'outbound'
         LEFT JOIN outreach.campaign_enrollments e
           ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
        ORDER BY wanted.rank LIMIT 1`,
      [organisationId, messageIds.slice(0, 100)],
    );
    return rows[0] ? match(rows[0]) : null;
  }

  /**
   * Fallback: the latest message we sent from this mailbox to this address whose subject, without
   * Re:/RE:/TR:/Fwd: prefixes, is the thread's subject — within the campaigns using the mailbox.
   */
  async matchBySender(
    organisationId: OrganisationId,
    mailboxId: string,
    fromEmail: string,
    threadSubject: string,
  ): Promise<OutboundMatch | null> {
    return this.#latestSentTo(organisationId, mailboxId, fromEmail, threadSubject);
  }

  /** The latest enrollment sent to from this address in a campaign using the mailbox. */
  async matchByAddress(
    organisationId: OrganisationId,
    mailboxId: string,
    address: string,
  ): Promise<OutboundMatch | null> {
    return this.#latestSentTo(organisationId, mailboxId, address, null);
  }

  /** The latest message sent (or bounced) to `address` from the mailbox's campaigns. */
  async #latestSentTo(
    organisationId: OrganisationId,
    mailboxId: string,
    address: string,
    threadSubject: string | null,
  ): Promise<OutboundMatch | null> {
    const rows = await this.#query<MatchRow[]>(LATEST_SENT_TO, [
      organisationId,
      mailboxId,
      address,
      threadSubject,
    ]);
    return rows[0] ? match(rows[0]) : null;
  }

  /** Stores the inbound message; null when this Message-ID is already stored (a duplicate). */
  async insertInbound(
    organisationId: OrganisationId,
    row: InboundMessageRow,
  ): Promise<string | null> {
    const rows = await this.#query<{ id: string }[]>(
      `INSERT INTO outreach.messages
              (organisation_id, direction, status, mailbox_id, enrollment_id, position_id,
               replied_to_message_id, from_email, from_name, to_email, subject, body_text, body_html,
               message_id, in_reply_to, references_header, reply_text, inbound_class,
               classification_reason, returns_on, received_at)
       VALUES ($1, 'inbound', 'received', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
               $15, $16, $17, $18, $19)
       ON CONFLICT (organisation_id, message_id) DO NOTHING
       RETURNING id`,
      [
        organisationId,
        row.mailboxId,
        row.enrollmentId,
        row.positionId,
        row.repliedToMessageId,
        row.fromEmail,
        row.fromName,
        row.toEmail,
        row.subject,
        row.bodyText,
        row.bodyHtml,
        row.messageId,
        row.inReplyTo,
        row.referencesHeader,
        row.replyText,
        row.inboundClass,
        row.classificationReason,
        row.returnsOn,
        row.receivedAt,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /** Our outbound message bounced (a DSN returned it): status bounced, the reason kept. */
  async markBounced(
    organisationId: OrganisationId,
    messageId: string,
    reason: string,
  ): Promise<boolean> {
    const rows = await this.#query<{ updated: number }[]>(
      `WITH updated AS (
         UPDATE outreach.messages SET status = 'bounced', error = $3
          WHERE organisation_id = $1 AND id = $2 AND direction = 'outbound'
            AND status IN ('sent', 'bounced') RETURNING id)
       SELECT count(*)::int AS updated FROM updated`,
      [organisationId, messageId, reason.slice(0, 10_000)],
    );
    return (rows[0]?.updated ?? 0) > 0;
  }

  async enrollment(
    organisationId: OrganisationId,
    enrollmentId: string,
  ): Promise<InboundEnrollment | null> {
    const rows = await this.#query<Record<string, unknown>[]>(
      `SELECT e.id, e.status, e.campaign_id, e.position_id, e.paused_until, e.current_step_id,
              c.exit_company_on_reply, c.timezone, s.exit_on_reply
         FROM outreach.campaign_enrollments e
         JOIN outreach.campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
         LEFT JOIN outreach.workflow_steps s
           ON s.organisation_id = e.organisation_id AND s.id = e.current_step_id
        WHERE e.organisation_id = $1 AND e.id = $2
          FOR UPDATE OF e`,
      [organisationId, enrollmentId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as string,
      status: row.status as string,
      campaignId: row.campaign_id as string,
      positionId: row.position_id as string,
      pausedUntil: row.paused_until as Date | null,
      exitCompanyOnReply: row.exit_company_on_reply as boolean,
      timezone: row.timezone as string,
      currentStepId: row.current_step_id as string | null,
      currentStepExitsOnReply: row.exit_on_reply as boolean | null,
    };
  }

  /**
   * The other running enrollments of the campaign at the same company: same SIREN when the
   * replier's company has one, otherwise same e-mail domain.
   */
  async colleagues(organisationId: OrganisationId, enrollmentId: string): Promise<string[]> {
    const rows = await this.#query<{ id: string }[]>(
      `WITH me AS (
         SELECT e.campaign_id, co.siren, lower(split_part(p.email::text, '@', 2)) AS domain
           FROM outreach.campaign_enrollments e
           JOIN crm.positions p ON p.organisation_id = e.organisation_id AND p.id = e.position_id
           JOIN crm.companies co ON co.organisation_id = p.organisation_id AND co.id = p.company_id
          WHERE e.organisation_id = $1 AND e.id = $2)
       SELECT o.id
         FROM me
         JOIN outreach.campaign_enrollments o
           ON o.organisation_id = $1 AND o.campaign_id = me.campaign_id AND o.id <> $2
          AND o.status IN ('active', 'paused')
         JOIN crm.positions p ON p.organisation_id = o.organisation_id AND p.id = o.position_id
         JOIN crm.companies co ON co.organisation_id = p.organisation_id AND co.id = p.company_id
        WHERE CASE WHEN me.siren IS NOT NULL THEN co.siren = me.siren
                   ELSE me.domain <> '' AND lower(split_part(p.email::text, '@', 2)) = me.domain END
        ORDER BY o.id`,
      [organisationId, enrollmentId],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Pauses a running enrollment until `until` (an out-of-office): status paused with
   * paused_until and the message, its pending tasks due no earlier than `until`. A manual pause
   * (paused without paused_until) is left alone. True when it paused.
   */
  async pause(
    organisationId: OrganisationId,
    enrollmentId: string,
    until: Date,
    messageId: string,
  ): Promise<boolean> {
    const rows = await this.#query<{ paused: number }[]>(
      `WITH paused AS (
         UPDATE outreach.campaign_enrollments
            SET status = 'paused', paused_until = $3, pause_message_id = $4
          WHERE organisation_id = $1 AND id = $2
            AND (status = 'active' OR (status = 'paused' AND paused_until IS NOT NULL))
         RETURNING id, campaign_id
       ), moved AS (
         UPDATE outreach.tasks t
            SET due_at = greatest(t.due_at, $3), next_attempt_at = CASE
                  WHEN t.next_attempt_at IS NULL THEN NULL ELSE greatest(t.next_attempt_at, $3) END
           FROM paused p
          WHERE t.organisation_id = $1 AND t.campaign_id = p.campaign_id AND t.enrollment_id = p.id
            AND t.status = 'pending'
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM paused)::int AS paused`,
      [organisationId, enrollmentId, until, messageId],
    );
    return (rows[0]?.paused ?? 0) > 0;
  }

  /**
   * Soft bounces of the last five messages sent to this address (each outbound message counted
   * once, however many notices it got).
   */
  async softBouncesInLastFive(organisationId: OrganisationId, address: string): Promise<number> {
    const rows = await this.#query<{ bounces: number }[]>(SOFT_BOUNCES_IN_LAST_FIVE, [
      organisationId,
      address,
    ]);
    return rows[0]?.bounces ?? 0;
  }

  async recordAction(organisationId: OrganisationId, input: InboundActionInput): Promise<void> {
    await this.#query(
      `INSERT INTO delivery.inbound_actions
              (organisation_id, message_id, enrollment_id, action, reason, exit_reason,
               paused_until, suppression_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        organisationId,
        input.messageId,
        input.enrollmentId,
        input.action,
        input.reason.slice(0, 2_000),
        input.exitReason ?? null,
        input.pausedUntil ?? null,
        input.suppressionId ?? null,
      ],
    );
  }

  #query<T>(sql: string, parameters: readonly unknown[]): Promise<T> {
    return runQuery<T>(this.#manager, sql, parameters);
  }
}

function match(row: MatchRow): OutboundMatch {
  return {
    id: row.id,
    status: row.status,
    toEmail: row.to_email,
    mailboxId: row.mailbox_id,
    enrollmentId: row.enrollment_id,
    positionId: row.position_id,
    campaignId: row.campaign_id,
  };
}
