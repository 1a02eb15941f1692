import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The tracker's Prometheus metrics (`GET /metrics`), in a registry of its own (one per app, so
 * that tests can boot several).
 */
@Injectable()
export class TrackerMetrics {
  readonly registry = new Registry();

  /** Pixel fetches by what became of them at the door. */
  readonly opensReceived = new Counter({
    name: 'tracker_opens_received_total',
    help: 'Pixel fetches by outcome: buffered, malformed token, rate_limited (flood from one source), overflow (buffer full: lost)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly opensRecorded = new Counter({
    name: 'tracker_opens_recorded_total',
    help: 'Opens written to tracking.message_open_stats, by kind (human, proxy, bot)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly opensIgnored = new Counter({
    name: 'tracker_opens_ignored_total',
    help: 'Buffered opens not recorded: rate_limited (over a flood limit counted across every tracker), unknown_token (no such pixel), deleted_message, refused (the database refused them three times), shutdown (still buffered when the drain deadline passed)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly floodCheckFailures = new Counter({
    name: 'tracker_flood_check_failures_total',
    help: 'Batches admitted on the in-memory flood limits alone because Redis (the shared counters) did not answer',
    registers: [this.registry],
  });

  readonly bufferSize = new Gauge({
    name: 'tracker_open_buffer_size',
    help: 'Opens waiting in memory to be written',
    registers: [this.registry],
  });

  readonly flushFailures = new Counter({
    name: 'tracker_open_flush_failures_total',
    help: 'Flushes (or organisations within one) that failed and were kept to retry',
    registers: [this.registry],
  });

  readonly flushDuration = new Histogram({
    name: 'tracker_open_flush_duration_seconds',
    help: 'Duration of one flush (token resolution and the upserts)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly unsubscribes = new Counter({
    name: 'tracker_unsubscribes_total',
    help: 'One-click unsubscribes by outcome: recorded, unknown_token, failed (answered 500)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
