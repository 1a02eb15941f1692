import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * The Redis key prefix of the shared flood counters. The braces are a Redis Cluster hash tag:
 * every counter lands in one slot, so one pipeline carries a whole batch on a cluster too.
 */
export const FLOOD_KEY_PREFIX = '{tracker-flood}';

/** What the shared check needs of a buffered open. */
export interface FloodCheckedOpen {
  token: string;
  openedAt: number;
  /** The source (IPv4 address, IPv6 /64) as the in-memory limits key it; hashed before Redis. */
  source: string;
}

export interface FloodLimits {
  /** Opens per source per window, all pixels (0: no limit). */
  perSource: number;
  /** Opens of one pixel per source per window (0: no limit). */
  perPixelAndSource: number;
  windowMs: number;
}

/**
 * The flood limits across every tracker process: the in-memory limiter of each process lets a
 * source through up to the limit it sees; this check, run by the flusher on each batch (the
 * pixel itself never waits for Redis), counts every process's opens in one fixed window per
 * source and per source and pixel, in Redis, so N trackers together count a source at most once
 * the limit. One pipeline per batch: INCRBY of each counter by its opens in the batch and an
 * expiry of two windows. Opens are admitted in batch order while both of their counters are
 * under the limit; like the in-memory limiter, an open is counted on a counter still under the
 * limit even when the other one refuses it.
 *
 * The sources are hashed (SHA-256, first 16 bytes) before they become keys: no address in Redis.
 */
export class SharedFloodLimit {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly limits: FloodLimits,
  ) {}

  get enabled(): boolean {
    return this.limits.perSource > 0 || this.limits.perPixelAndSource > 0;
  }

  /** The opens within the limits (in batch order); throws when Redis does not answer. */
  async admit<T extends FloodCheckedOpen>(opens: readonly T[]): Promise<T[]> {
    if (!this.enabled || opens.length === 0) return [...opens];
    const keysOf = opens.map((open) => this.#keys(open));
    const inBatch = new Map<string, number>();
    for (const keys of keysOf) {
      for (const key of keys) if (key !== null) inBatch.set(key, (inBatch.get(key) ?? 0) + 1);
    }
    const pipeline = this.redis.pipeline();
    const expiry = this.limits.windowMs * 2;
    for (const [key, count] of inBatch) pipeline.incrby(key, count).pexpire(key, expiry);
    const replies = (await pipeline.exec()) ?? [];
    const remaining = new Map<string, number>();
    [...inBatch].forEach(([key, count], index) => {
      const [error, total] = replies[index * 2] ?? [new Error('no reply'), null];
      if (error) throw error;
      const before = Number(total) - count;
      remaining.set(key, Math.max(0, this.#limitOf(key) - before));
    });
    const admitted: T[] = [];
    opens.forEach((open, index) => {
      let allowed = true;
      for (const key of keysOf[index] ?? []) {
        if (key === null) continue;
        const left = remaining.get(key) ?? 0;
        if (left > 0) remaining.set(key, left - 1);
        else allowed = false;
      }
      if (allowed) admitted.push(open);
    });
    return admitted;
  }

  #keys(open: FloodCheckedOpen): [string | null, string | null] {
    const window = Math.floor(open.openedAt / this.limits.windowMs);
    const source = createHash('sha256').update(open.source).digest('base64url').slice(0, 22);
    return [
      this.limits.perSource > 0 ? `${FLOOD_KEY_PREFIX}:${window}:s:${source}` : null,
      this.limits.perPixelAndSource > 0
        ? `${FLOOD_KEY_PREFIX}:${window}:p:${source}:${open.token}`
        : null,
    ];
  }

  #limitOf(key: string): number {
    return key.split(':', 3)[2] === 's' ? this.limits.perSource : this.limits.perPixelAndSource;
  }
}
