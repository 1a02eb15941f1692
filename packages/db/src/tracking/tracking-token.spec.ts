import { newTrackingToken } from './tracking-token.js';

const ORGANISATION = '0b9f6d2e-5c1a-4e8b-9a47-3f2d1c6b8e05';

describe('newTrackingToken', () => {
  it("is the organisation's 16 bytes, a dot and 18 random bytes, both base64url", () => {
    const [organisation, random] = newTrackingToken(ORGANISATION).split('.');
    expect(Buffer.from(organisation ?? '', 'base64url').toString('hex')).toBe(
      ORGANISATION.replace(/-/g, ''),
    );
    expect(random).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('never repeats, across the refills of its random bytes', () => {
    // 256 tokens per draw of random bytes: 2,000 tokens span eight draws.
    const tokens = Array.from({ length: 2_000 }, () => newTrackingToken(ORGANISATION));
    expect(new Set(tokens).size).toBe(tokens.length);
    const randoms = tokens.map((token) => token.split('.')[1]);
    expect(new Set(randoms).size).toBe(randoms.length);
  });

  it('refuses what is not an organisation id', () => {
    expect(() => newTrackingToken('acme')).toThrow('not an organisation id: acme');
  });
});
