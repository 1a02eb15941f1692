import { mailboxDailyAllowance, spacingDelayMs, type WarmupPlan } from './mailbox-allowance.js';

const WARMUP: WarmupPlan = {
  startPerDay: 5,
  incrementPerDay: 3,
  targetPerDay: 30,
  startedOn: '2026-03-27',
};

describe('mailboxDailyAllowance', () => {
  it('is the daily cap without warm-up', () => {
    expect(mailboxDailyAllowance(200, null, '2026-03-27')).toBe(200);
  });

  it('ramps up by calendar day, across the DST change, to the target', () => {
    expect(
      ['2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30', '2026-04-04', '2026-05-01'].map(
        (day) => mailboxDailyAllowance(200, WARMUP, day),
      ),
    ).toEqual([5, 8, 11, 14, 29, 30]);
  });

  it('never exceeds the daily cap', () => {
    expect(mailboxDailyAllowance(10, WARMUP, '2026-05-01')).toBe(10);
    expect(mailboxDailyAllowance(3, WARMUP, '2026-03-27')).toBe(3);
  });

  it('allows startPerDay before the ramp starts', () => {
    expect(mailboxDailyAllowance(200, WARMUP, '2026-03-01')).toBe(5);
  });

  it('refuses bad arguments, naming them', () => {
    expect(() => mailboxDailyAllowance(-1, null, '2026-03-01')).toThrow(
      'dailyCap must be a whole number >= 0 (got -1)',
    );
    expect(() => mailboxDailyAllowance(10, null, '2026-02-30')).toThrow(
      'day must be a calendar date YYYY-MM-DD (got "2026-02-30")',
    );
    expect(() =>
      mailboxDailyAllowance(10, { ...WARMUP, startedOn: '27/03/2026' }, '2026-03-01'),
    ).toThrow(/warmup.startedOn must be a calendar date/);
    expect(() =>
      mailboxDailyAllowance(10, { ...WARMUP, incrementPerDay: 0.5 }, '2026-03-01'),
    ).toThrow(/warmup.incrementPerDay must be a whole number/);
  });
});

describe('spacingDelayMs', () => {
  it('adds up to 25 % jitter to the minimum spacing', () => {
    expect(spacingDelayMs(120, () => 0)).toBe(120_000);
    expect(spacingDelayMs(120, () => 0.5)).toBe(135_000);
    expect(spacingDelayMs(120, () => 0.999_999)).toBeLessThanOrEqual(150_000);
    expect(spacingDelayMs(120, () => 0.999_999)).toBeGreaterThan(149_000);
  });

  it('keeps 0 at 0 and refuses a negative spacing', () => {
    expect(spacingDelayMs(0, () => 0.9)).toBe(0);
    expect(() => spacingDelayMs(-1)).toThrow('minSpacingSeconds must be a number >= 0 (got -1)');
  });

  it('jitters with Math.random by default, within bounds', () => {
    const delays = Array.from({ length: 200 }, () => spacingDelayMs(60));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(60_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(75_000);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
