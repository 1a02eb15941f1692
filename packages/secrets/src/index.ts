// Public surface of @outreach/secrets (explicit names, no `export *`).
export {
  SecretKeyRing,
  KEY_BYTES,
  IV_BYTES,
  TAG_BYTES,
  KEY_ID_PATTERN,
} from './secret-key-ring.js';
export type { SealedSecret } from './secret-key-ring.js';
export { SecretKeyConfigError } from './secret-key-config.error.js';
export { SecretDecryptionError } from './secret-decryption.error.js';
export type { SecretDecryptionFailure } from './secret-decryption.error.js';
export { mailboxSecretAad, generateSecretKey, DEV_MAILBOX_SECRET_KEYS } from './mailbox-secret.js';
export type { MailboxSecretField } from './mailbox-secret.js';
