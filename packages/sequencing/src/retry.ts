/** Defaults of retryDelayMs: the first retry within a minute, none later than an hour. */
export const RETRY_BASE_MS = 60_000;
export const RETRY_MAX_MS = 3_600_000;

/**
 * Retry delay after failed attempt n (1-based), e.g. an SMTP 4xx or a dropped connection:
 * exponential (baseMs * 2^(n-1)) capped at maxMs, with full jitter (uniform between 0 and that
 * ceiling) or, with `jitter: 'equal'`, at least half the ceiling (uniform between half and all of
 * it: a retry never comes straight back), in whole milliseconds. Defaults base 60 s, max 1 h. `random` (in [0, 1)) is
 * injectable for tests. Throws a RangeError naming a bad argument.
 */
export function retryDelayMs(
  attempt: number,
  options: {
    baseMs?: number;
    maxMs?: number;
    random?: () => number;
    jitter?: 'full' | 'equal';
  } = {},
): number {
  const {
    baseMs = RETRY_BASE_MS,
    maxMs = RETRY_MAX_MS,
    random = Math.random,
    jitter = 'full',
  } = options;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a whole number >= 1 (got ${attempt})`);
  }
  if (!Number.isFinite(baseMs) || baseMs <= 0) {
    throw new RangeError(`baseMs must be a number > 0 (got ${baseMs})`);
  }
  if (!Number.isFinite(maxMs) || maxMs < baseMs) {
    throw new RangeError(`maxMs must be a number >= baseMs (got ${maxMs})`);
  }
  // 2 ** 1100 is Infinity, and min() keeps maxMs: no overflow for large attempts.
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return jitter === 'equal'
    ? Math.floor(ceiling / 2 + (random() * ceiling) / 2)
    : Math.floor(random() * ceiling);
}
