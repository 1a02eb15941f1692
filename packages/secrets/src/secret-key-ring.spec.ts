import { inspect } from 'node:util';
import { generateSecretKey, mailboxSecretAad } from './mailbox-secret.js';
import { SecretDecryptionError } from './secret-decryption.error.js';
import { SecretKeyConfigError } from './secret-key-config.error.js';
import { IV_BYTES, SecretKeyRing, TAG_BYTES } from './secret-key-ring.js';

const K1 = generateSecretKey();
const K2 = generateSecretKey();
const AAD = mailboxSecretAad(
  '0b6f9c1e-0000-4000-8000-000000000001',
  '0b6f9c1e-0000-4000-8000-000000000002',
  'smtp_password',
);

function failure(run: () => unknown): SecretDecryptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretDecryptionError) return error;
    throw error;
  }
  throw new Error('expected a SecretDecryptionError');
}

describe('SecretKeyRing.parse', () => {
  it('reads id:base64 pairs, the first being current', () => {
    const ring = SecretKeyRing.parse(` k2:${K2} , k1:${K1} `);
    expect(ring.currentKeyId).toBe('k2');
    expect(ring.keyIds).toEqual(['k2', 'k1']);
    expect(ring.has('k1')).toBe(true);
  });

  it.each([
    ['', 'expected at least one key as <id>:<base64 of 32 bytes>'],
    [' , ', 'expected at least one key as <id>:<base64 of 32 bytes>'],
    [K1, 'key #1 must be <id>:<base64 of 32 bytes> (no ":" found)'],
    [`bad id:${K1}`, 'key #1: id must be 1-64 characters of A-Z a-z 0-9 _ -'],
    [`:${K1}`, 'key #1: id must be 1-64 characters of A-Z a-z 0-9 _ -'],
    [`${'x'.repeat(65)}:${K1}`, 'key #1: id must be 1-64 characters of A-Z a-z 0-9 _ -'],
    [`k1:${K1},k1:${K2}`, 'key id "k1" appears twice'],
    ['k1:not base64!', 'key "k1" is not valid base64'],
    [`k1:${K1},k2:`, 'key "k2" is not valid base64'],
    [
      `k1:${Buffer.alloc(16).toString('base64')}`,
      'key "k1" must be 32 bytes (base64 of 32 random bytes), got 16',
    ],
  ])('refuses %j with one line', (config, message) => {
    expect(() => SecretKeyRing.parse(config)).toThrow(new SecretKeyConfigError(message));
  });

  it('never names key material in an error', () => {
    const short = Buffer.from('0123456789').toString('base64');
    try {
      SecretKeyRing.parse(`k1:${K1},k2:${short}`);
      throw new Error('expected a failure');
    } catch (error) {
      expect(String(error)).not.toContain(K1);
      expect(String(error)).not.toContain(short);
    }
  });

  it('prints its ids, never its keys', () => {
    const ring = SecretKeyRing.parse(`k2:${K2},k1:${K1}`);
    const printed = `${inspect(ring, { showHidden: true, depth: 5 })} ${JSON.stringify(ring)}`;
    expect(printed).toContain('k2');
    for (const key of [K1, K2]) {
      expect(printed).not.toContain(key);
      expect(printed).not.toContain(Buffer.from(key, 'base64').toString('hex'));
    }
  });
});

describe('encrypt / decrypt', () => {
  const ring = SecretKeyRing.parse(`k1:${K1}`);

  it('round-trips, with a fresh iv each time and iv || tag || ciphertext layout', () => {
    const first = ring.encrypt('pa55 wörd', AAD);
    const second = ring.encrypt('pa55 wörd', AAD);
    expect(first.keyId).toBe('k1');
    expect(first.sealed.length).toBe(IV_BYTES + TAG_BYTES + Buffer.byteLength('pa55 wörd'));
    expect(first.sealed.equals(second.sealed)).toBe(false);
    expect(first.sealed.includes(Buffer.from('pa55'))).toBe(false);
    expect(ring.decrypt(first.sealed, first.keyId, AAD)).toBe('pa55 wörd');
  });

  it('refuses a tampered iv, tag or ciphertext', () => {
    const { sealed, keyId } = ring.encrypt('hunter2-plaintext', AAD);
    for (const index of [0, IV_BYTES, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[index] = (altered[index] ?? 0) ^ 0x01;
      const error = failure(() => ring.decrypt(altered, keyId, AAD));
      expect(error.reason).toBe('authentication_failed');
      expect(error.message).not.toContain('hunter2');
    }
  });

  it('refuses the right bytes under other additional data (another mailbox or field)', () => {
    const { sealed, keyId } = ring.encrypt('secret', AAD);
    const otherField = AAD.replace('smtp_password', 'imap_password');
    expect(failure(() => ring.decrypt(sealed, keyId, otherField)).reason).toBe(
      'authentication_failed',
    );
  });

  it('refuses an unknown key id and a truncated value', () => {
    const { sealed } = ring.encrypt('secret', AAD);
    expect(failure(() => ring.decrypt(sealed, 'k9', AAD))).toMatchObject({
      reason: 'unknown_key',
      message: 'secret key "k9" is not in the key ring',
    });
    expect(failure(() => ring.decrypt(sealed.subarray(0, 20), 'k1', AAD)).reason).toBe('malformed');
  });

  it('refuses a value sealed under another key with the same id', () => {
    const other = SecretKeyRing.parse(`k1:${K2}`);
    const { sealed } = other.encrypt('secret', AAD);
    expect(failure(() => ring.decrypt(sealed, 'k1', AAD)).reason).toBe('authentication_failed');
  });
});

describe('rotation', () => {
  it('opens with an old key, seals again with the current one', () => {
    const before = SecretKeyRing.parse(`k1:${K1}`);
    const old = before.encrypt('secret', AAD);
    const after = SecretKeyRing.parse(`k2:${K2},k1:${K1}`);
    expect(after.needsRotation(old.keyId)).toBe(true);
    expect(after.decrypt(old.sealed, old.keyId, AAD)).toBe('secret');
    const rotated = after.rotate(old.sealed, old.keyId, AAD);
    expect(rotated.keyId).toBe('k2');
    expect(after.needsRotation(rotated.keyId)).toBe(false);
    expect(after.decrypt(rotated.sealed, rotated.keyId, AAD)).toBe('secret');
    // Once k1 is retired, only the rotated value still opens.
    const retired = SecretKeyRing.parse(`k2:${K2}`);
    expect(retired.decrypt(rotated.sealed, 'k2', AAD)).toBe('secret');
    expect(failure(() => retired.decrypt(old.sealed, 'k1', AAD)).reason).toBe('unknown_key');
  });
});
