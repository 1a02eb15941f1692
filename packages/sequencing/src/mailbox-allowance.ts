import { DateTime } from 'luxon';

/** A mailbox's warm-up: sends a day start low and grow linearly up to a target. */
export interface WarmupPlan {
  startPerDay: number;
  incrementPerDay: number;
  targetPerDay: number;
  /** Local calendar day the ramp starts, YYYY-MM-DD. */
  startedOn: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Sends a mailbox may make on local day `day` (YYYY-MM-DD): min(dailyCap, warm-up ramp
 * startPerDay + incrementPerDay * daysSince(startedOn), capped at targetPerDay); no warm-up →
 * dailyCap; a day before startedOn → startPerDay (still at most dailyCap). Days are calendar
 * days, so a DST change does not shift the ramp. Throws a RangeError naming a bad argument.
 */
export function mailboxDailyAllowance(
  dailyCap: number,
  warmup: WarmupPlan | null,
  day: string,
): number {
  wholeNumber('dailyCap', dailyCap);
  const today = calendarDay('day', day);
  if (warmup === null) return dailyCap;
  wholeNumber('warmup.startPerDay', warmup.startPerDay);
  wholeNumber('warmup.incrementPerDay', warmup.incrementPerDay);
  wholeNumber('warmup.targetPerDay', warmup.targetPerDay);
  const started = calendarDay('warmup.startedOn', warmup.startedOn);
  const daysSince = Math.max(0, Math.round(today.diff(started, 'days').days));
  const ramp = Math.min(
    warmup.targetPerDay,
    warmup.startPerDay + warmup.incrementPerDay * daysSince,
  );
  return Math.min(dailyCap, ramp);
}

/**
 * Minimum spacing between two sends of a mailbox with jitter: minSpacingSeconds * 1000 plus up
 * to +25 % random (0 stays 0), in whole milliseconds. `random` (in [0, 1)) is injectable for
 * tests.
 */
export function spacingDelayMs(
  minSpacingSeconds: number,
  random: () => number = Math.random,
): number {
  if (!Number.isFinite(minSpacingSeconds) || minSpacingSeconds < 0) {
    throw new RangeError(`minSpacingSeconds must be a number >= 0 (got ${minSpacingSeconds})`);
  }
  const base = minSpacingSeconds * 1000;
  return Math.round(base + base * 0.25 * random());
}

function wholeNumber(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number >= 0 (got ${value})`);
  }
}

function calendarDay(name: string, text: string): DateTime {
  const parsed = ISO_DATE.test(text) ? DateTime.fromISO(text, { zone: 'utc' }) : null;
  if (!parsed?.isValid) {
    throw new RangeError(
      `${name} must be a calendar date YYYY-MM-DD (got ${JSON.stringify(text)})`,
    );
  }
  return parsed;
}
