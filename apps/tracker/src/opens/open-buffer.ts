import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { TrackerConfig } from '../config/tracker-config.schema.js';
import type { OpenClassification } from './open-classifier.js';
import { TrackerMetrics } from './tracker-metrics.js';

/** An accepted pixel fetch waiting to be written; no whole address in it. */
export interface BufferedOpen {
  token: string;
  openedAt: number;
  /** From the request alone; the flusher applies the send time. */
  classification: OpenClassification;
  userAgent: string | null;
  ipNetwork: string | null;
  /** Key of the source for the flood limits (memory only, never stored; hashed for Redis). */
  source: string;
  /** Counted by the shared flood limits already (a retried flush does not count it twice). */
  floodChecked: boolean;
  /** Times the database refused it (not counting outages). */
  refusals: number;
}

const OVERFLOW_LOG_EVERY_MS = 10_000;

/**
 * The opens accepted but not written yet, oldest first: at most OPEN_BUFFER_CAPACITY, counting
 * the batch a flush has taken and not finished (a failed flush hands it back within the bound).
 * A fetch that finds it full is counted
 * (`tracker_opens_received_total{outcome="overflow"}`) and logged (one line per 10 s with the
 * count), never dropped silently.
 */
@Injectable()
export class OpenBuffer {
  readonly #logger = new Logger('OpenBuffer');
  readonly #capacity: number;
  #items: BufferedOpen[] = [];
  /** Taken by a flush that has not finished. */
  #inFlight = 0;
  #overflowSinceLog = 0;
  #lastOverflowLog = 0;

  constructor(
    @Inject(SERVICE_CONFIG) config: TrackerConfig,
    private readonly metrics: TrackerMetrics,
  ) {
    this.#capacity = config.opens.bufferCapacity;
  }

  /** Opens waiting, not counting a flush in progress. */
  get size(): number {
    return this.#items.length;
  }

  /** Accepts an open; false (counted and logged) when the buffer is full. */
  push(open: BufferedOpen): boolean {
    if (this.#items.length + this.#inFlight >= this.#capacity) {
      this.metrics.opensReceived.inc({ outcome: 'overflow' });
      this.#overflowSinceLog += 1;
      const now = Date.now();
      if (now - this.#lastOverflowLog >= OVERFLOW_LOG_EVERY_MS) {
        this.#logger.error(
          `open buffer full (${this.#capacity}): ${this.#overflowSinceLog} open(s) lost since the last report; is PostgreSQL down?`,
        );
        this.#overflowSinceLog = 0;
        this.#lastOverflowLog = now;
      }
      return false;
    }
    this.#items.push(open);
    this.metrics.opensReceived.inc({ outcome: 'buffered' });
    this.metrics.bufferSize.set(this.#items.length);
    return true;
  }

  /** Hands the oldest `max` opens to a flush, which must `finish` them. */
  take(max: number): BufferedOpen[] {
    const taken = this.#items.splice(0, max);
    this.#inFlight += taken.length;
    this.metrics.bufferSize.set(this.#items.length + this.#inFlight);
    return taken;
  }

  /**
   * Ends a flush of `taken` opens: those in `kept` (not written, to retry) go back to the front
   * in their order, the rest leave the buffer (written or dropped).
   */
  finish(taken: number, kept: readonly BufferedOpen[]): void {
    this.#inFlight -= taken;
    if (kept.length > 0) this.#items = [...kept, ...this.#items];
    this.metrics.bufferSize.set(this.#items.length + this.#inFlight);
  }
}
