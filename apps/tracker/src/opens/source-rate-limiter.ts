/**
 * Counts what each source may add per fixed window (one minute by default): a flood from one
 * address is not counted past `limit`, and nothing waits (a Map look-up per request). The map
 * is emptied at each new window and holds at most `maxSources` keys; past that, new sources are
 * let through for the rest of the window (counted by the caller through `allow`'s answer).
 */
export class SourceRateLimiter {
  #windowStart = 0;
  readonly #counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly maxSources = 100_000,
  ) {}

  /** 'allowed', 'limited' (over the limit this window) or 'untracked' (too many sources). */
  allow(source: string, now: number): 'allowed' | 'limited' | 'untracked' {
    if (this.limit === 0) return 'allowed';
    if (now - this.#windowStart >= this.windowMs) {
      this.#windowStart = now;
      this.#counts.clear();
    }
    const count = this.#counts.get(source);
    if (count === undefined) {
      if (this.#counts.size >= this.maxSources) return 'untracked';
      this.#counts.set(source, 1);
      return 'allowed';
    }
    if (count >= this.limit) return 'limited';
    this.#counts.set(source, count + 1);
    return 'allowed';
  }
}
