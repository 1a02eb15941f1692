import type { OrganisationId } from '@outreach/db';
import type { ImapSettings } from '@outreach/mailer';
import { mailboxSecretAad, type SecretKeyRing } from '@outreach/secrets';

/** The IMAP columns of a mailbox, as the engine's and the inbound reader's reads return them. */
export interface MailboxImapColumns {
  id: string;
  imapHost: string | null;
  imapPort: number | null;
  imapSecurity: ImapSettings['security'] | null;
  imapUsername: string | null;
  imapPasswordEncrypted: Buffer | null;
  secretKeyId: string;
}

/**
 * A mailbox's IMAP settings with its password decrypted — in memory only, for one session (the
 * engine's Sent-folder reconcile, the inbound reader). Throws when the password cannot be
 * decrypted (unknown key id, tampered ciphertext).
 */
export function mailboxImapSettings(
  secrets: SecretKeyRing,
  organisationId: OrganisationId,
  mailbox: MailboxImapColumns,
): ImapSettings {
  return {
    host: mailbox.imapHost ?? '',
    port: mailbox.imapPort ?? 993,
    security: mailbox.imapSecurity ?? 'tls',
    username: mailbox.imapUsername ?? '',
    password: secrets.decrypt(
      mailbox.imapPasswordEncrypted ?? Buffer.alloc(0),
      mailbox.secretKeyId,
      mailboxSecretAad(organisationId, mailbox.id, 'imap_password'),
    ),
  };
}
