import { z } from 'zod';
import { defineQueue, systemJob, tenantJob, type JobPayload } from './queue-contract.js';

/**
 * `outreach.delivery`: the sequence engine.
 * - `claim-due-tasks` (system): run by a BullMQ job scheduler about every second; claims due
 *   tasks of every organisation through `platform.claim_due_tasks` (batch, lease) and enqueues
 *   one `send-step` per task. No tenant data crosses it: the claim returns ids only.
 * - `send-step` (tenant): sends one claimed task's e-mail. Enqueued with `jobId` = the task id
 *   and removed when done, so a task has at most one job at a time and a task given back
 *   (deferred, retried, or its lease expired) can be enqueued again by a later claim. The tasks
 *   table is the source of truth: a flushed Redis loses nothing (the lease expires, the task is
 *   claimed again).
 */
export const deliveryQueue = defineQueue('outreach.delivery', {
  'claim-due-tasks': systemJob(z.object({})),
  'send-step': tenantJob(
    z.object({
      organisationId: z.uuid(),
      taskId: z.uuid(),
    }),
  ),
});

export type SendStepPayload = JobPayload<typeof deliveryQueue, 'send-step'>;

/** How a send-step job ended (its return value, visible in Bull Board). */
export interface SendStepResult {
  taskId: string;
  outcome: 'sent' | 'deferred' | 'retry' | 'failed' | 'skipped' | 'cancelled' | 'bounced' | 'stale';
  reason: string | null;
}

/** What a claim-due-tasks run did. */
export interface ClaimDueTasksResult {
  claimed: number;
  enqueued: number;
}
