import { InvalidCursorError } from '../errors/invalid-cursor.error.js';
import { asOrganisationId } from '../organisation-id.js';
import { CursorCodec } from './cursor.codec.js';

const orgA = asOrganisationId('0b6a3c1e-4f2d-4a8b-9c7d-1e2f3a4b5c6d');
const orgB = asOrganisationId('1c7b4d2f-5a3e-4b9c-8d6e-2f3a4b5c6d7e');
const codec = new CursorCodec('a-secret-of-enough-length');
const expected = { sort: 'createdAt', direction: 'asc' as const, arity: 2 };
const position = {
  sort: 'createdAt',
  direction: 'asc' as const,
  values: ['2026-01-02T03:04:05.123456Z', '5d1c2b3a-0000-4000-8000-000000000001'],
};

function reason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidCursorError) return error.reason;
    throw error;
  }
  throw new Error('expected an InvalidCursorError');
}

describe('CursorCodec', () => {
  it('round-trips a position for the organisation it was issued to', () => {
    const cursor = codec.encode(orgA, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(orgA, cursor, expected)).toEqual(position);
  });

  it('refuses the cursor in another organisation', () => {
    expect(reason(() => codec.decode(orgB, codec.encode(orgA, position), expected))).toBe(
      'signature does not match',
    );
  });

  it('refuses a tampered body, a forged signature and garbage', () => {
    const cursor = codec.encode(orgA, position);
    const [body, mac] = cursor.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ s: 'createdAt', d: 'asc', v: ['1970-01-01T00:00:00Z', 'x'] }),
    ).toString('base64url');
    expect(reason(() => codec.decode(orgA, `${forged}.${mac}`, expected))).toBe(
      'signature does not match',
    );
    expect(reason(() => codec.decode(orgA, `${body}.AAAA${mac.slice(4)}`, expected))).toBe(
      'signature does not match',
    );
    expect(reason(() => codec.decode(orgA, 'not-a-cursor', expected))).toBe('malformed');
    expect(reason(() => codec.decode(orgA, `${body}.${mac}.x`, expected))).toBe('malformed');
    expect(reason(() => codec.decode(orgA, 'x'.repeat(5000), expected))).toBe('wrong length');
  });

  it('refuses a cursor of another sort or direction', () => {
    const cursor = codec.encode(orgA, position);
    expect(() => codec.decode(orgA, cursor, { ...expected, sort: 'name' })).toThrow(
      InvalidCursorError,
    );
    expect(() => codec.decode(orgA, cursor, { ...expected, direction: 'desc' })).toThrow(
      InvalidCursorError,
    );
  });

  it('refuses a cursor signed with another secret', () => {
    const other = new CursorCodec('another-secret-of-enough-length');
    expect(reason(() => codec.decode(orgA, other.encode(orgA, position), expected))).toBe(
      'signature does not match',
    );
  });

  it('requires a secret of at least 16 bytes', () => {
    expect(() => new CursorCodec('short')).toThrow(/at least 16 bytes/);
  });
});
