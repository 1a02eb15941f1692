import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { WORKER_METRICS } from '../delivery/delivery.metrics.js';

/** The job states /metrics reports per queue. */
export const QUEUE_DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** The queues the running worker serves, by name (the last worker started in a process wins). */
const served = new Map<string, Queue>();

/**
 * `outreach_queue_jobs{queue,state}`: jobs per queue and state, read from Redis when /metrics
 * is scraped (a `collect()` gauge, nothing kept between scrapes). Redis down → the scrape
 * fails with the error rather than reporting stale or zero depths.
 */
new Gauge({
  name: 'outreach_queue_jobs',
  help: 'Jobs per BullMQ queue and state (waiting, active, delayed, failed), read from Redis at scrape time.',
  labelNames: ['queue', 'state'],
  registers: [WORKER_METRICS],
  async collect() {
    this.reset();
    for (const [name, queue] of served) {
      const counts = await queue.getJobCounts(...QUEUE_DEPTH_STATES);
      for (const state of QUEUE_DEPTH_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
    }
  },
});

/** Reports these queues' depth on /metrics until the returned function is called. */
export function reportQueueDepth(queues: readonly Queue[]): () => void {
  for (const queue of queues) served.set(queue.name, queue);
  return () => {
    for (const queue of queues) if (served.get(queue.name) === queue) served.delete(queue.name);
  };
}
