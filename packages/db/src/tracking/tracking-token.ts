import { randomBytes } from 'node:crypto';

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
  return `${organisation.toString('base64url')}.${randomBytes(18).toString('base64url')}`;
}
