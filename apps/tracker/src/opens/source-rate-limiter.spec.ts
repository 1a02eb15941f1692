import { SourceRateLimiter } from './source-rate-limiter.js';

describe('SourceRateLimiter', () => {
  it('lets `limit` through per source per window, then limits that source only', () => {
    const limiter = new SourceRateLimiter(3, 60_000);
    const answers = Array.from({ length: 5 }, () => limiter.allow('flood', 1_000));
    expect(answers).toEqual(['allowed', 'allowed', 'allowed', 'limited', 'limited']);
    expect(limiter.allow('someone-else', 1_000)).toBe('allowed');
    // A new window starts afresh.
    expect(limiter.allow('flood', 61_000)).toBe('allowed');
  });

  it('does not limit with limit 0, and lets new sources through past its memory bound', () => {
    const unlimited = new SourceRateLimiter(0);
    expect(
      Array.from({ length: 1_000 }, () => unlimited.allow('a', 0)).every((a) => a === 'allowed'),
    ).toBe(true);
    const bounded = new SourceRateLimiter(1, 60_000, 2);
    expect([bounded.allow('a', 0), bounded.allow('b', 0), bounded.allow('c', 0)]).toEqual([
      'allowed',
      'allowed',
      'untracked',
    ]);
    expect(bounded.allow('a', 0)).toBe('limited');
  });
});
