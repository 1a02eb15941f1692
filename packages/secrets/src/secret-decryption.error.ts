/**
 * Why a sealed secret could not be opened:
 * - `unknown_key`: the key id is not in the key ring (a retired key, or another environment's);
 * - `malformed`: too short to hold an iv, a tag and a ciphertext;
 * - `authentication_failed`: the tag does not match: the bytes were altered, or the additional
 *   data (organisation, mailbox, field) is not the one they were sealed with, or the key is wrong.
 */
export type SecretDecryptionFailure = 'unknown_key' | 'malformed' | 'authentication_failed';

/** A sealed secret that does not open. The message never contains key material or plaintext. */
export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';

  constructor(
    readonly reason: SecretDecryptionFailure,
    readonly keyId: string,
  ) {
    super(
      reason === 'unknown_key'
        ? `secret key "${keyId}" is not in the key ring`
        : reason === 'malformed'
          ? 'sealed secret is too short to be iv || tag || ciphertext'
          : `sealed secret does not authenticate with key "${keyId}" and this additional data`,
    );
  }
}
