import { Injectable } from '@nestjs/common';
import type { SendStepResult } from '@outreach/jobs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The worker's Prometheus registry (served on GET /metrics by the health server): the process
 * figures (`collectDefaultMetrics`), the engine's figures below and the queue depth gauge
 * (src/health/queue-depth.metric.ts). The metrics are created once per process, so several
 * workers started in one process (tests) share them.
 */
export const WORKER_METRICS = new Registry();
collectDefaultMetrics({ register: WORKER_METRICS });

const sends = new Counter({
  name: 'outreach_sends_total',
  help: 'E-mails accepted by the SMTP server.',
  registers: [WORKER_METRICS],
});
const failures = new Counter({
  name: 'outreach_send_failures_total',
  help: 'Failed send attempts by reason (transient, protocol, recipient_rejected, auth, uncertain).',
  labelNames: ['reason'],
  registers: [WORKER_METRICS],
});
const outcomes = new Counter({
  name: 'outreach_send_jobs_total',
  help: 'send-step jobs by outcome (sent, deferred, retry, failed, skipped, cancelled, bounced, stale).',
  labelNames: ['outcome'],
  registers: [WORKER_METRICS],
});
const claimed = new Counter({
  name: 'outreach_tasks_claimed_total',
  help: 'Due tasks claimed by this worker’s scheduler.',
  registers: [WORKER_METRICS],
});
const lastClaim = new Gauge({
  name: 'outreach_scheduler_last_claim_timestamp_seconds',
  help: 'Unix time of this worker’s last completed claim run (alert when it stops moving).',
  registers: [WORKER_METRICS],
});
const latency = new Histogram({
  name: 'outreach_claim_to_send_seconds',
  help: 'Seconds from a task’s claim (its send job enqueued) to the end of its send job: the scheduler’s lag as a sender sees it.',
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [WORKER_METRICS],
});

/**
 * The sequence engine's figures: sends, failures by reason, send-job outcomes, how many tasks
 * each claim took, when the scheduler last claimed and how late a task was sent after it was
 * claimed (scheduler lag). Queue depth is read from Redis when /metrics is scraped.
 */
@Injectable()
export class DeliveryMetrics {
  readonly registry = WORKER_METRICS;

  sent(_taskId: string): void {
    sends.inc();
  }

  failure(reason: string): void {
    failures.inc({ reason });
  }

  outcome(outcome: SendStepResult['outcome']): void {
    outcomes.inc({ outcome });
  }

  claimToSend(seconds: number): void {
    latency.observe(seconds);
  }

  claimedTasks(count: number): void {
    claimed.inc(count);
  }

  /** A claim run finished (whatever it found): the scheduler is alive. */
  claimRan(at: Date = new Date()): void {
    lastClaim.set(at.getTime() / 1_000);
  }
}
