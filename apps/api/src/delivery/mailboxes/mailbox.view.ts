import type { MailSecurityMode, Mailbox, MailboxStatus } from '@outreach/db';

/** A server's settings as answered: never its password (nor anything of the sealed secrets). */
export interface MailServerView {
  host: string;
  port: number;
  security: MailSecurityMode;
  username: string;
}

export interface WarmupView {
  startPerDay: number;
  incrementPerDay: number;
  targetPerDay: number;
  /** `YYYY-MM-DD`: day 0 of the ramp. */
  startedOn: string | null;
}

/** A mailbox as the api answers it: built field by field, so no secret column can leak. */
export interface MailboxView {
  id: string;
  emailAddress: string;
  displayName: string | null;
  smtp: MailServerView;
  imap: MailServerView | null;
  dailyCap: number;
  warmup: WarmupView | null;
  minSpacingSeconds: number;
  status: MailboxStatus;
  lastError: string | null;
  lastErrorAt: Date | null;
  verifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function mailboxView(row: Mailbox): MailboxView {
  return {
    id: row.id,
    emailAddress: row.emailAddress,
    displayName: row.displayName,
    smtp: {
      host: row.smtpHost,
      port: row.smtpPort,
      security: row.smtpSecurity,
      username: row.smtpUsername,
    },
    imap:
      row.imapHost !== null &&
      row.imapPort !== null &&
      row.imapSecurity !== null &&
      row.imapUsername !== null
        ? {
            host: row.imapHost,
            port: row.imapPort,
            security: row.imapSecurity,
            username: row.imapUsername,
          }
        : null,
    dailyCap: row.dailyCap,
    warmup:
      row.warmupStartPerDay !== null &&
      row.warmupIncrementPerDay !== null &&
      row.warmupTargetPerDay !== null
        ? {
            startPerDay: row.warmupStartPerDay,
            incrementPerDay: row.warmupIncrementPerDay,
            targetPerDay: row.warmupTargetPerDay,
            startedOn: row.warmupStartedOn,
          }
        : null,
    minSpacingSeconds: row.minSpacingSeconds,
    status: row.status,
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt,
    verifiedAt: row.verifiedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
