import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidInputError, type InboundMailbox } from '@outreach/db';
import type { SyncMailboxResult } from '@outreach/jobs';
import { InboundReader, type ImapSettings } from '@outreach/mailer';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { TenantDatabase } from '@outreach/tenancy';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { mailboxImapSettings } from '../mailbox-imap-settings.js';
import { InboundService } from './inbound.service.js';

/** Connection attempts of one sync (the first and the retries after a dropped connection). */
export const SYNC_ATTEMPTS = 4;
/** Backoff before retry n (1-based): 500 ms, 1 s, 2 s, … with up to 50 % jitter. */
export function reconnectDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = 500 * 2 ** (retry - 1);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Reads one mailbox (inside its tenant context): INBOX and the bounce-carrying folders, each
 * incrementally from the UIDVALIDITY and last UID kept in delivery.mailbox_sync_states. A new
 * UIDVALIDITY restarts the folder from UID 0 (messages already stored are duplicates by
 * Message-ID and ignored). Each message goes through InboundService; one that fails for its own
 * sake (bad data) is skipped with a logged reason and the folder moves on. A dropped connection
 * is retried with backoff (SYNC_ATTEMPTS), resuming after the last UID saved; after the last
 * attempt the error is kept on the folder and the job fails (the next poll tries again). With
 * INBOUND_IDLE and a server offering IDLE, the session then waits for new mail on INBOX for up
 * to `idleMs` (the scheduler gives most of a poll interval when every mailbox has a sync slot,
 * else 0), syncing INBOX each time the server announces some.
 */
@Injectable()
export class InboundSyncService {
  private readonly log = new Logger(InboundSyncService.name);

  constructor(
    private readonly tenants: TenantDatabase,
    private readonly inbound: InboundService,
    @Inject(SERVICE_CONFIG) private readonly config: WorkerConfig,
  ) {}

  async sync(mailboxId: string, idleMs = 0): Promise<SyncMailboxResult> {
    const result: SyncMailboxResult = {
      mailboxId,
      folders: [],
      messages: 0,
      skipped: 0,
      idled: false,
    };
    const mailbox = await this.tenants.transaction(({ repositories, organisationId }) =>
      repositories.inboundMail.mailbox(organisationId, mailboxId),
    );
    if (!mailbox || mailbox.status !== 'active' || !mailbox.imapHost) {
      this.log.log(`mailbox ${mailboxId}: not active or no IMAP settings, nothing to read`);
      return result;
    }
    let imap: ImapSettings;
    try {
      imap = this.imapSettings(mailbox);
    } catch (error) {
      this.log.error(
        `mailbox ${mailboxId}: the IMAP password cannot be decrypted: ${String(error)}`,
      );
      return result;
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.session(mailbox, imap, result, idleMs);
        return result;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await this.recordError(mailboxId, result, reason);
        if (attempt >= SYNC_ATTEMPTS) throw error;
        const delay = reconnectDelayMs(attempt);
        this.log.warn(
          `mailbox ${mailboxId}: ${reason}; reconnecting in ${String(delay)} ms (attempt ${String(attempt + 1)} of ${String(SYNC_ATTEMPTS)})`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async session(
    mailbox: InboundMailbox,
    imap: ImapSettings,
    result: SyncMailboxResult,
    idleMs: number,
  ): Promise<void> {
    const { imapTimeoutMs } = this.config.inbound;
    const reader = await InboundReader.connect(imap, { timeoutMs: imapTimeoutMs });
    try {
      const folders = await reader.inboundFolders();
      for (const folder of folders) await this.syncFolder(reader, mailbox.id, folder, result);
      if (idleMs <= 0 || !reader.supportsIdle || !folders.includes('INBOX')) return;
      // Hold the session for most of one poll interval, the next poll's job takes over.
      const until = Date.now() + idleMs;
      result.idled = true;
      while (Date.now() < until) {
        if (await reader.waitForNewMail(until - Date.now())) {
          await this.syncFolder(reader, mailbox.id, 'INBOX', result);
        }
      }
    } finally {
      await reader.close();
    }
  }

  private async syncFolder(
    reader: InboundReader,
    mailboxId: string,
    folder: string,
    result: SyncMailboxResult,
  ): Promise<void> {
    const opened = await reader.open(folder);
    const state = await this.tenants.transaction(({ repositories, organisationId }) =>
      repositories.inboundMail.syncState(organisationId, mailboxId, folder),
    );
    const resynced = state !== null && state.uidValidity !== opened.uidValidity;
    let lastUid = state && !resynced ? state.lastUid : 0;
    if (resynced) {
      this.log.warn(
        `mailbox ${mailboxId} ${folder}: UIDVALIDITY changed (${String(state.uidValidity)} → ${String(opened.uidValidity)}): reading the folder again from the start`,
      );
    }
    if (!state || resynced) await this.save(mailboxId, folder, opened.uidValidity, 0);
    let summary = result.folders.find((entry) => entry.folder === folder);
    if (!summary) {
      summary = { folder, uidValidity: opened.uidValidity, lastUid, resynced };
      result.folders.push(summary);
    }
    summary.uidValidity = opened.uidValidity;
    summary.lastUid = lastUid;
    summary.resynced ||= resynced;
    const { maxMessageBytes } = this.config.inbound;
    for (const { uid, size } of await reader.listAfter(lastUid)) {
      const fetched = await reader.fetch(uid, size, maxMessageBytes);
      if (fetched) {
        if (fetched.truncated) {
          this.log.warn(
            `mailbox ${mailboxId} ${folder} UID ${String(uid)}: ${String(size)} bytes, read up to ${String(maxMessageBytes)} (INBOUND_MAX_MESSAGE_BYTES)`,
          );
        }
        try {
          const outcome = await this.inbound.process(mailboxId, fetched.source, new Date());
          if (outcome.outcome === 'skipped') result.skipped += 1;
          else result.messages += 1;
        } catch (error) {
          if (!isMessageFault(error)) throw error;
          result.skipped += 1;
          this.log.warn(
            `mailbox ${mailboxId} ${folder} UID ${String(uid)} skipped: ${String(error)}`,
          );
        }
      }
      lastUid = uid;
      await this.save(mailboxId, folder, opened.uidValidity, lastUid);
      summary.lastUid = lastUid;
    }
  }

  private save(mailboxId: string, folder: string, uidValidity: number, lastUid: number) {
    return this.tenants.transaction(({ repositories, organisationId }) =>
      repositories.inboundMail.saveSyncState(organisationId, mailboxId, folder, {
        uidValidity,
        lastUid,
      }),
    );
  }

  private async recordError(mailboxId: string, result: SyncMailboxResult, reason: string) {
    const folders = result.folders.length > 0 ? result.folders.map((f) => f.folder) : ['INBOX'];
    await this.tenants
      .transaction(async ({ repositories, organisationId }) => {
        for (const folder of folders) {
          await repositories.inboundMail.recordSyncError(organisationId, mailboxId, folder, reason);
        }
      })
      .catch((error: unknown) => {
        this.log.error(`mailbox ${mailboxId}: could not record the sync error: ${String(error)}`);
      });
  }

  /** IMAP credentials, decrypted in memory only for this session. */
  private imapSettings(mailbox: InboundMailbox): ImapSettings {
    return mailboxImapSettings(this.config.mailboxSecrets, this.tenants.organisationId(), mailbox);
  }
}

/**
 * An error that belongs to the message, not to the connection or the database being away: bad
 * data refused by the schema, or a fault in reading it. Skipping it never loses other mail.
 */
function isMessageFault(error: unknown): boolean {
  return (
    error instanceof InvalidInputError || error instanceof TypeError || error instanceof RangeError
  );
}
