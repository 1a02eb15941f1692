/** A key ring configuration (MAILBOX_SECRET_KEYS) that cannot be used; the message is one line. */
export class SecretKeyConfigError extends Error {
  override readonly name = 'SecretKeyConfigError';
}
