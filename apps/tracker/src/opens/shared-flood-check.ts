import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createRedisClient } from '@outreach/service-kit/connections';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { Cluster, Redis } from 'ioredis';
import type { TrackerConfig } from '../config/tracker-config.schema.js';
import type { BufferedOpen } from './open-buffer.js';
import { SharedFloodLimit } from './shared-flood-limit.js';
import { TrackerMetrics } from './tracker-metrics.js';

const WINDOW_MS = 60_000;
const FAILURE_LOG_EVERY_MS = 10_000;

/**
 * The flusher's side of the flood limits: each buffered open is checked once against the
 * counters every tracker shares in Redis (SharedFloodLimit); the ones over a limit are counted
 * (`tracker_opens_ignored_total{reason="rate_limited"}`) and not written. When Redis does not
 * answer within OPEN_SHARED_LIMIT_TIMEOUT_MS the batch is admitted (counted in
 * `tracker_flood_check_failures_total`, logged once per 10 s): an outage of Redis costs the
 * cross-process exactness of the limit, never an open — each process's in-memory limit still
 * holds.
 */
@Injectable()
export class SharedFloodCheck implements OnApplicationBootstrap {
  readonly #logger = new Logger('SharedFloodCheck');
  readonly #redis: Redis | Cluster;
  readonly #limit: SharedFloodLimit;
  readonly #timeoutMs: number;
  #failuresSinceLog = 0;
  #lastFailureLog = 0;

  constructor(
    @Inject(SERVICE_CONFIG) config: TrackerConfig,
    private readonly metrics: TrackerMetrics,
  ) {
    this.#timeoutMs = config.opens.sharedLimitTimeoutMs;
    this.#redis = createRedisClient(config.redis, 'tracker-flood', this.#timeoutMs);
    this.#limit = new SharedFloodLimit(this.#redis, {
      perSource: config.opens.sourceLimitPerMinute,
      perPixelAndSource: config.opens.pixelSourceLimitPerMinute,
      windowMs: WINDOW_MS,
    });
  }

  onApplicationBootstrap(): void {
    // Lazy client: connect in the background (it keeps retrying); a check before it is ready fails open.
    if (this.#limit.enabled) this.#redis.connect().catch(() => undefined);
  }

  /** Called by the flusher once its drain is over (the drain still checks the shared limits). */
  close(): void {
    this.#redis.disconnect();
  }

  /** The opens to write: those checked before, and the new ones within the shared limits. */
  async admit(batch: BufferedOpen[]): Promise<BufferedOpen[]> {
    const fresh = batch.filter((open) => !open.floodChecked);
    if (fresh.length === 0 || !this.#limit.enabled) return batch;
    let admitted: Set<BufferedOpen>;
    try {
      admitted = new Set(await withTimeout(this.#limit.admit(fresh), this.#timeoutMs));
    } catch (error) {
      this.#failed(fresh.length, error);
      admitted = new Set(fresh);
    }
    const checkedNow = new Set(fresh);
    for (const open of fresh) open.floodChecked = true;
    const limited = fresh.length - admitted.size;
    if (limited > 0) this.metrics.opensIgnored.inc({ reason: 'rate_limited' }, limited);
    return batch.filter((open) => !checkedNow.has(open) || admitted.has(open));
  }

  #failed(opens: number, error: unknown): void {
    this.metrics.floodCheckFailures.inc();
    this.#failuresSinceLog += 1;
    const now = Date.now();
    if (now - this.#lastFailureLog < FAILURE_LOG_EVERY_MS) return;
    this.#logger.warn(
      `shared flood limits unavailable (${this.#failuresSinceLog} check(s) since the last report; last: ${opens} open(s) admitted on the in-memory limits alone): ${String(error)}`,
    );
    this.#failuresSinceLog = 0;
    this.#lastFailureLog = now;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer from Redis within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
