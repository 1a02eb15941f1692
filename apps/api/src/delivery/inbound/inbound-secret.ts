import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new push secret: `inb_` and 32 random bytes, base64url (shown once, never stored). */
export function newInboundSecret(): string {
  return `inb_${randomBytes(32).toString('base64url')}`;
}

/** What is stored: SHA-256 of the secret (32 bytes; the secret has 256 bits of entropy). */
export function inboundSecretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

const NO_HASH = Buffer.alloc(32);

/**
 * Whether `secret` matches the stored hash, in constant time (the comparison runs against a
 * dummy hash when there is none, so an unknown mailbox and a wrong secret take the same time).
 */
export function inboundSecretMatches(secret: string, stored: Buffer | null): boolean {
  const given = inboundSecretHash(secret);
  const expected = stored && stored.length === 32 ? stored : NO_HASH;
  return timingSafeEqual(given, expected) && stored !== null;
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
