import { retryDelayMs } from './retry.js';

describe('retryDelayMs', () => {
  const top = () => 0.999_999_999;

  it('doubles the ceiling each attempt from 60 s and caps it at 1 h', () => {
    expect(
      [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(attempt, { random: top })),
    ).toEqual([59_999, 119_999, 239_999, 479_999, 959_999, 1_919_999, 3_599_999, 3_599_999]);
    expect(retryDelayMs(2_000, { random: top })).toBe(3_599_999);
  });

  it('applies full jitter: anywhere from 0 to the ceiling', () => {
    expect(retryDelayMs(3, { random: () => 0 })).toBe(0);
    expect(retryDelayMs(3, { random: () => 0.5 })).toBe(120_000);
    const delays = Array.from({ length: 200 }, () => retryDelayMs(2));
    expect(Math.max(...delays)).toBeLessThan(120_000);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it('with equal jitter, waits between half and all of the ceiling', () => {
    expect(retryDelayMs(1, { jitter: 'equal', random: () => 0 })).toBe(30_000);
    expect(retryDelayMs(3, { jitter: 'equal', random: () => 0.5 })).toBe(180_000);
    expect(retryDelayMs(20, { jitter: 'equal', random: () => 0 })).toBe(1_800_000);
  });

  it('takes another base and maximum', () => {
    expect(retryDelayMs(4, { baseMs: 1_000, maxMs: 5_000, random: () => 0.5 })).toBe(2_500);
    expect(retryDelayMs(2, { baseMs: 1_000, maxMs: 5_000, random: () => 0.5 })).toBe(1_000);
  });

  it('refuses bad arguments, naming them', () => {
    expect(() => retryDelayMs(0)).toThrow('attempt must be a whole number >= 1 (got 0)');
    expect(() => retryDelayMs(1, { baseMs: 0 })).toThrow('baseMs must be a number > 0 (got 0)');
    expect(() => retryDelayMs(1, { baseMs: 10, maxMs: 5 })).toThrow(
      'maxMs must be a number >= baseMs (got 5)',
    );
  });
});
