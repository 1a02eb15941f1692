import { z } from 'zod';
import { defineQueue, systemJob, tenantJob, type JobPayload } from './queue-contract.js';

/** Largest raw message the push endpoint accepts and a job carries (base64 adds a third). */
export const MAX_PUSHED_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * `outreach.inbound`: reading what comes back to the mailboxes (issue 13).
 * - `sync-mailboxes` (system): run by a job scheduler every INBOUND_POLL_INTERVAL_MS; lists the
 *   active mailboxes with IMAP settings of every organisation through
 *   `platform.inbound_mailboxes` (ids only) and enqueues one `sync-mailbox` per mailbox, `jobId`
 *   = the mailbox, so a mailbox has at most one sync at a time.
 * - `sync-mailbox` (tenant): reads the mailbox's INBOX and bounce folders incrementally
 *   (UIDVALIDITY + last UID), waiting in IDLE for new mail when the server offers it.
 * - `process-message` (tenant): one raw RFC 822 message pushed to the api
 *   (POST /inbound/:mailboxId), processed like a fetched one.
 */
export const inboundQueue = defineQueue('outreach.inbound', {
  'sync-mailboxes': systemJob(z.object({})),
  'sync-mailbox': tenantJob(
    z.object({
      organisationId: z.uuid(),
      mailboxId: z.uuid(),
      /**
       * How long the session may then wait in IDLE for new mail (0: close at once). The
       * scheduler gives 0 when there are more mailboxes than sync slots, so that IDLE sessions
       * never keep other mailboxes from being read.
       */
      idleMs: z.number().int().min(0).max(3_600_000).optional(),
    }),
  ),
  'process-message': tenantJob(
    z.object({
      organisationId: z.uuid(),
      mailboxId: z.uuid(),
      /** The raw message, base64. */
      raw: z
        .string()
        .min(1)
        .max(Math.ceil(MAX_PUSHED_MESSAGE_BYTES / 3) * 4),
      receivedAt: z.iso.datetime(),
    }),
  ),
});

export type SyncMailboxPayload = JobPayload<typeof inboundQueue, 'sync-mailbox'>;
export type ProcessInboundMessagePayload = JobPayload<typeof inboundQueue, 'process-message'>;

/** What one inbound message came to (a sync reports a list of them). */
export interface InboundMessageResult {
  outcome: 'stored' | 'duplicate' | 'own' | 'skipped';
  messageRowId: string | null;
  inboundClass: string | null;
  /** What it changed, e.g. `exited (replied)`, `paused until …`, `recorded`. */
  actions: string[];
  reason: string | null;
}

/** What a sync-mailbox run did. */
export interface SyncMailboxResult {
  mailboxId: string;
  folders: { folder: string; uidValidity: number; lastUid: number; resynced: boolean }[];
  messages: number;
  skipped: number;
  idled: boolean;
}
