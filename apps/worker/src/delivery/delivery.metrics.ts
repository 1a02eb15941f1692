import { Injectable } from '@nestjs/common';
import type { SendStepResult } from '@outreach/jobs';
import { Counter, Histogram, Registry } from 'prom-client';

/** The worker's Prometheus registry (served on GET /metrics by the health server). */
export const WORKER_METRICS = new Registry();

/**
 * The sequence engine's figures: sends, failures by reason, send-job outcomes, how many tasks
 * each claim took and how late a task was sent after it became due (scheduler lag). Queue depth
 * is read from Redis when /metrics is scraped.
 */
@Injectable()
export class DeliveryMetrics {
  readonly registry = WORKER_METRICS;
  private readonly sends = new Counter({
    name: 'outreach_sends_total',
    help: 'E-mails accepted by the SMTP server.',
    registers: [WORKER_METRICS],
  });
  private readonly failures = new Counter({
    name: 'outreach_send_failures_total',
    help: 'Failed send attempts by reason (transient, protocol, recipient_rejected, auth, uncertain).',
    labelNames: ['reason'],
    registers: [WORKER_METRICS],
  });
  private readonly outcomes = new Counter({
    name: 'outreach_send_jobs_total',
    help: 'send-step jobs by outcome (sent, deferred, retry, failed, skipped, cancelled, bounced, stale).',
    labelNames: ['outcome'],
    registers: [WORKER_METRICS],
  });
  private readonly claimed = new Counter({
    name: 'outreach_tasks_claimed_total',
    help: 'Due tasks claimed by this worker’s scheduler.',
    registers: [WORKER_METRICS],
  });
  private readonly latency = new Histogram({
    name: 'outreach_claim_to_send_seconds',
    help: 'Seconds from a task’s claim (its send job enqueued) to the end of its send job: the scheduler’s lag as a sender sees it.',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [WORKER_METRICS],
  });

  sent(_taskId: string): void {
    this.sends.inc();
  }

  failure(reason: string): void {
    this.failures.inc({ reason });
  }

  outcome(outcome: SendStepResult['outcome']): void {
    this.outcomes.inc({ outcome });
  }

  claimToSend(seconds: number): void {
    this.latency.observe(seconds);
  }

  claimedTasks(count: number): void {
    this.claimed.inc(count);
  }
}
