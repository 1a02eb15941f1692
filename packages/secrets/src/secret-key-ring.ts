import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretDecryptionError } from './secret-decryption.error.js';
import { SecretKeyConfigError } from './secret-key-config.error.js';

/** AES-256-GCM: 32-byte keys, 12-byte random iv, 16-byte tag. */
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
/** What a key id may be (also delivery.mailboxes.secret_key_id's CHECK). */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const ALGORITHM = 'aes-256-gcm';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** What `encrypt` gives: the id of the key used and `iv || tag || ciphertext`. */
export interface SealedSecret {
  keyId: string;
  sealed: Buffer;
}

/**
 * AES-256-GCM keys by id; the first is the current one (it seals), the others only open what
 * they sealed before a rotation. Built from a configuration string such as
 * `k2:<base64 of 32 bytes>,k1:<base64>`. Keys are kept in a private field: the ring prints as
 * its ids only, never its key material.
 */
export class SecretKeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  private constructor(keys: Map<string, Buffer>, currentKeyId: string) {
    this.#keys = keys;
    this.currentKeyId = currentKeyId;
  }

  /**
   * Parses `id:base64,id:base64,…` (the first is current). Throws SecretKeyConfigError with one
   * line naming the first problem: empty, an entry without `:`, a bad id, a duplicate id, a
   * value that is not base64 or not 32 bytes. The message never contains a key.
   */
  static parse(config: string): SecretKeyRing {
    const entries = config
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    if (entries.length === 0) {
      throw new SecretKeyConfigError('expected at least one key as <id>:<base64 of 32 bytes>');
    }
    const keys = new Map<string, Buffer>();
    entries.forEach((entry, index) => {
      const separator = entry.indexOf(':');
      if (separator < 0) {
        throw new SecretKeyConfigError(
          `key #${index + 1} must be <id>:<base64 of 32 bytes> (no ":" found)`,
        );
      }
      const id = entry.slice(0, separator).trim();
      const value = entry.slice(separator + 1).trim();
      if (!KEY_ID_PATTERN.test(id)) {
        throw new SecretKeyConfigError(
          `key #${index + 1}: id must be 1-64 characters of A-Z a-z 0-9 _ -`,
        );
      }
      if (keys.has(id)) throw new SecretKeyConfigError(`key id "${id}" appears twice`);
      const key = BASE64.test(value) ? Buffer.from(value, 'base64') : null;
      if (key?.toString('base64') !== value) {
        throw new SecretKeyConfigError(`key "${id}" is not valid base64`);
      }
      if (key.length !== KEY_BYTES) {
        throw new SecretKeyConfigError(
          `key "${id}" must be ${KEY_BYTES} bytes (base64 of 32 random bytes), got ${key.length}`,
        );
      }
      keys.set(id, key);
    });
    return new SecretKeyRing(keys, entries[0]?.split(':')[0]?.trim() ?? '');
  }

  /** Every key id, the current one first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** Seals `plaintext` with the current key, binding `aad` (it must be given again to open). */
  encrypt(plaintext: string, aad: string): SealedSecret {
    const key = this.#key(this.currentKeyId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.currentKeyId,
      sealed: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]),
    };
  }

  /** Opens what `encrypt` sealed. Throws SecretDecryptionError (never returns garbage). */
  decrypt(sealed: Buffer, keyId: string, aad: string): string {
    const key = this.#keys.get(keyId);
    if (!key) throw new SecretDecryptionError('unknown_key', keyId);
    if (sealed.length < IV_BYTES + TAG_BYTES + 1) {
      throw new SecretDecryptionError('malformed', keyId);
    }
    const iv = sealed.subarray(0, IV_BYTES);
    const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const ciphertext = sealed.subarray(IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError('authentication_failed', keyId);
    }
  }

  /** True when a secret sealed under `keyId` should be re-sealed with the current key. */
  needsRotation(keyId: string): boolean {
    return keyId !== this.currentKeyId;
  }

  /** Opens with the old key and seals again with the current one (same additional data). */
  rotate(sealed: Buffer, keyId: string, aad: string): SealedSecret {
    return this.encrypt(this.decrypt(sealed, keyId, aad), aad);
  }

  toJSON(): { currentKeyId: string; keyIds: string[] } {
    return { currentKeyId: this.currentKeyId, keyIds: this.keyIds };
  }

  #key(keyId: string): Buffer {
    const key = this.#keys.get(keyId);
    if (!key) throw new SecretDecryptionError('unknown_key', keyId);
    return key;
  }
}
