import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from '../errors/invalid-cursor.error.js';
import type { OrganisationId } from '../organisation-id.js';

export type SortDirection = 'asc' | 'desc';

/** Where a keyset page ended: the sort it belongs to and the last row's key values. */
export interface CursorPosition {
  sort: string;
  direction: SortDirection;
  /** Key values of the last row, in key order (text form; null for a NULL key). */
  values: readonly (string | null)[];
}

const MAX_CURSOR_LENGTH = 2048;
const MAC_BYTES = 16;

/**
 * Opaque cursors: base64url(JSON position) + "." + base64url(HMAC-SHA256 truncated to 128 bits).
 * The MAC covers the organisation, so a cursor is only valid for the organisation (and the sort)
 * it was issued for; anything else is an InvalidCursorError (HTTP 400).
 */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    this.key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (this.key.length < 16) {
      throw new Error('CursorCodec secret must be at least 16 bytes long');
    }
  }

  encode(organisationId: OrganisationId, position: CursorPosition): string {
    const body = Buffer.from(
      JSON.stringify({ s: position.sort, d: position.direction, v: position.values }),
      'utf8',
    ).toString('base64url');
    return `${body}.${this.mac(organisationId, body).toString('base64url')}`;
  }

  decode(
    organisationId: OrganisationId,
    cursor: string,
    expected: { sort: string; direction: SortDirection; arity: number },
  ): CursorPosition {
    if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
      throw new InvalidCursorError('wrong length');
    }
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined) throw new InvalidCursorError('malformed');
    const given = Buffer.from(mac, 'base64url');
    const wanted = this.mac(organisationId, body);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new InvalidCursorError('signature does not match');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidCursorError('malformed');
    }
    const position = toPosition(parsed);
    if (position.sort !== expected.sort || position.direction !== expected.direction) {
      throw new InvalidCursorError(
        `it belongs to sort ${position.sort} ${position.direction}, not ${expected.sort} ${expected.direction}`,
      );
    }
    if (position.values.length !== expected.arity) throw new InvalidCursorError('wrong key size');
    return position;
  }

  private mac(organisationId: OrganisationId, body: string): Buffer {
    return createHmac('sha256', this.key)
      .update(organisationId)
      .update('\0')
      .update(body)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

function toPosition(value: unknown): CursorPosition {
  if (typeof value !== 'object' || value === null) throw new InvalidCursorError('malformed');
  const { s, d, v } = value as Record<string, unknown>;
  if (typeof s !== 'string' || (d !== 'asc' && d !== 'desc') || !Array.isArray(v)) {
    throw new InvalidCursorError('malformed');
  }
  const values = v.map((item: unknown) => {
    if (item !== null && typeof item !== 'string') throw new InvalidCursorError('malformed');
    return item;
  });
  return { sort: s, direction: d, values };
}
