import { hostname } from 'node:os';
import { Inject } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { SystemDatabase } from '@outreach/db/system';
import {
  deliveryQueue,
  JobProducer,
  type ClaimDueTasksResult,
  type SendStepResult,
} from '@outreach/jobs';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { TenantDatabase } from '@outreach/tenancy';
import type { Job } from 'bullmq';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import {
  ContractProcessor,
  type JobHandlers,
  type ScheduleKeeping,
} from '../jobs/contract.processor.js';
import { DeliveryMetrics } from './delivery.metrics.js';
import { SendStepService } from './send-step.service.js';

/** The job scheduler (one for every worker process: the id makes it idempotent). */
export const CLAIM_SCHEDULER_ID = 'claim-due-tasks';

/**
 * How often each worker upserts the scheduler again (idempotent: same id and period keep the
 * next run). A Redis that restarted empty (flushed, failed over without persistence) loses it,
 * and with it every claim: this brings it back within that time.
 */
export const CLAIM_SCHEDULER_REFRESH_MS = 5_000;

/**
 * `outreach.delivery`: the scheduler and the sends.
 * - `claim-due-tasks`, every CLAIM_EVERY_MS by a BullMQ job scheduler: claims due tasks of every
 *   organisation (platform.claim_due_tasks: FOR UPDATE SKIP LOCKED, lease CLAIM_LEASE_SECONDS,
 *   owner WORKER_ID) and enqueues one `send-step` per task, `jobId` = task id. It claims again
 *   while batches come back full, for at most one period, so a backlog drains at SMTP speed.
 *   Every worker upserts the scheduler at start and every CLAIM_SCHEDULER_REFRESH_MS after,
 *   so a Redis that comes back empty gets it again.
 * - `send-step`: SendStepService, inside the task's tenant context.
 */
@Processor(deliveryQueue.name)
export class DeliveryProcessor extends ContractProcessor<typeof deliveryQueue> {
  readonly queue = deliveryQueue;
  private readonly owner: string;

  /** The send job's first read (SendStepService) checks its organisation, in one round trip. */
  protected override readonly organisationCheckedByHandler = new Set(['send-step'] as const);

  protected readonly handlers: JobHandlers<typeof deliveryQueue> = {
    'claim-due-tasks': () => this.claimDueTasks(),
    'send-step': (payload, job) => this.sendStep(payload.taskId, job),
  };

  constructor(
    @Inject(TenantDatabase) tenants: TenantDatabase,
    private readonly system: SystemDatabase,
    private readonly producer: JobProducer,
    private readonly sender: SendStepService,
    private readonly metrics: DeliveryMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: WorkerConfig,
  ) {
    super(tenants);
    this.owner = config.delivery.workerId ?? `${hostname()}:${String(process.pid)}`;
  }

  protected override concurrency(): number {
    return this.config.delivery.concurrency;
  }

  protected override scheduleKeeping(): ScheduleKeeping<typeof deliveryQueue> {
    return {
      producer: this.producer,
      refreshMs: CLAIM_SCHEDULER_REFRESH_MS,
      schedules: [
        {
          schedulerId: CLAIM_SCHEDULER_ID,
          job: 'claim-due-tasks',
          payload: {},
          everyMs: this.config.delivery.claimEveryMs,
        },
      ],
    };
  }

  async claimDueTasks(): Promise<ClaimDueTasksResult> {
    const { claimBatchSize, claimLeaseSeconds, claimEveryMs } = this.config.delivery;
    const started = Date.now();
    let claimed = 0;
    let enqueued = 0;
    for (;;) {
      const tasks = await this.system.claimDueTasks({
        owner: this.owner,
        leaseMs: claimLeaseSeconds * 1_000,
        batchSize: claimBatchSize,
      });
      claimed += tasks.length;
      this.metrics.claimedTasks(tasks.length);
      const added = await this.producer.enqueueMany(
        deliveryQueue,
        'send-step',
        tasks.map((task) => ({
          payload: { organisationId: task.organisationId, taskId: task.taskId },
          options: { jobId: task.taskId, removeWhenDone: true, attempts: 3 },
        })),
      );
      enqueued += added.length;
      if (tasks.length < claimBatchSize || Date.now() - started >= claimEveryMs) break;
    }
    this.metrics.claimRan();
    return { claimed, enqueued };
  }

  private async sendStep(taskId: string, job: Job): Promise<SendStepResult> {
    const result = await this.sender.send(taskId);
    this.metrics.claimToSend((Date.now() - job.timestamp) / 1_000);
    return result;
  }
}
