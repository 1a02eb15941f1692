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

/**
 * The development key ring of MAILBOX_SECRET_KEYS (one fixed AES-256 key `dev`), used by the api
 * and the worker when NODE_ENV is not `production` and the variable is unset, so that the local
 * stack and the tests need no setup. Public on purpose: what it seals outside production is not
 * secret; production refuses to start without real keys.
 */
export const DEV_MAILBOX_SECRET_KEYS = 'dev:b3V0cmVhY2gtZGV2LW1haWxib3gta2V5LTMyYnl0ZSE=';
