import { randomBytes } from 'node:crypto';
import { KEY_BYTES } from './secret-key-ring.js';

/** The encrypted columns of delivery.mailboxes, as named in the additional data. */
export type MailboxSecretField = 'smtp_password' | 'imap_password';

/**
 * The additional authenticated data of a mailbox password: `<organisation_id>:<mailbox_id>:<field>`.
 * A ciphertext copied to another organisation, mailbox or field does not decrypt.
 */
export function mailboxSecretAad(
  organisationId: string,
  mailboxId: string,
  field: MailboxSecretField,
): string {
  return `${organisationId}:${mailboxId}:${field}`;
}

/** A fresh key for MAILBOX_SECRET_KEYS: base64 of 32 random bytes. */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
