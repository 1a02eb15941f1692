import { randomFillSync } from 'node:crypto';

const RANDOM_BYTES = 18;
/** Random bytes for 256 tokens, drawn in one call (as Node's randomUUID does): a call per token was a system call per send. */
const pool = Buffer.allocUnsafe(RANDOM_BYTES * 256);
let drawn = pool.length;

/**
 * A fresh pixel / unsubscribe token for a message of this organisation, in the format
 * tracking.pixels_token_check enforces: `<base64url of the organisation id's 16 bytes>.<base64url
 * of 18 random bytes>` (144 bits; the tracker reads the organisation from the first part). The
 * engine mints it before rendering, so the unsubscribe link can be part of the body, and writes
 * it with the message.
 */
export function newTrackingToken(organisationId: string): string {
  const organisation = Buffer.from(organisationId.replace(/-/g, ''), 'hex');
  if (organisation.length !== 16) throw new Error(`not an organisation id: ${organisationId}`);
  if (drawn + RANDOM_BYTES > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  const random = pool.toString('base64url', drawn, drawn + RANDOM_BYTES);
  drawn += RANDOM_BYTES;
  return `${organisation.toString('base64url')}.${random}`;
}
