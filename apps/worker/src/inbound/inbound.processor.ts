import { Inject } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { SystemDatabase } from '@outreach/db/system';
import { inboundQueue, JobProducer, type InboundMessageResult } from '@outreach/jobs';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { TenantDatabase } from '@outreach/tenancy';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import {
  ContractProcessor,
  type JobHandlers,
  type ScheduleKeeping,
} from '../jobs/contract.processor.js';
import { InboundSyncService } from './inbound-sync.service.js';
import { InboundService } from './inbound.service.js';

/** The sync scheduler (one for every worker process: the id makes it idempotent). */
export const INBOUND_SCHEDULER_ID = 'sync-mailboxes';
/** How often each worker upserts the scheduler again (a Redis restarted empty loses it). */
export const INBOUND_SCHEDULER_REFRESH_MS = 30_000;

/**
 * `outreach.inbound`: reading the mailboxes.
 * - `sync-mailboxes`, every INBOUND_POLL_INTERVAL_MS: the mailboxes to read, of every
 *   organisation, through the system door (ids only), one `sync-mailbox` each (`jobId` = the
 *   mailbox: at most one sync of a mailbox at a time);
 * - `sync-mailbox`: InboundSyncService, inside the mailbox's tenant context;
 * - `process-message`: a pushed raw message, InboundService like a fetched one.
 */
@Processor(inboundQueue.name)
export class InboundProcessor extends ContractProcessor<typeof inboundQueue> {
  readonly queue = inboundQueue;

  protected readonly handlers: JobHandlers<typeof inboundQueue> = {
    'sync-mailboxes': () => this.syncMailboxes(),
    'sync-mailbox': (payload) => this.syncer.sync(payload.mailboxId, payload.idleMs ?? 0),
    'process-message': (payload) => this.processMessage(payload),
  };

  constructor(
    @Inject(TenantDatabase) tenants: TenantDatabase,
    private readonly system: SystemDatabase,
    private readonly producer: JobProducer,
    private readonly syncer: InboundSyncService,
    private readonly inbound: InboundService,
    @Inject(SERVICE_CONFIG) private readonly config: WorkerConfig,
  ) {
    super(tenants);
  }

  protected override concurrency(): number {
    return this.config.inbound.concurrency;
  }

  protected override scheduleKeeping(): ScheduleKeeping<typeof inboundQueue> {
    return {
      producer: this.producer,
      refreshMs: INBOUND_SCHEDULER_REFRESH_MS,
      schedules: [
        {
          schedulerId: INBOUND_SCHEDULER_ID,
          job: 'sync-mailboxes',
          payload: {},
          everyMs: this.config.inbound.pollIntervalMs,
        },
      ],
    };
  }

  async syncMailboxes(): Promise<{ mailboxes: number; enqueued: number }> {
    const mailboxes = await this.system.inboundMailboxes();
    const { idle, concurrency, pollIntervalMs } = this.config.inbound;
    // IDLE holds a sync slot for most of a poll interval: only when every mailbox has a slot.
    const idleMs = idle && mailboxes.length <= concurrency ? Math.floor(pollIntervalMs * 0.9) : 0;
    const added = await this.producer.enqueueMany(
      inboundQueue,
      'sync-mailbox',
      mailboxes.map((mailbox) => ({
        payload: { organisationId: mailbox.organisationId, mailboxId: mailbox.mailboxId, idleMs },
        options: { jobId: `sync-${mailbox.mailboxId}`, removeWhenDone: true, attempts: 1 },
      })),
    );
    return { mailboxes: mailboxes.length, enqueued: added.length };
  }

  private processMessage(payload: {
    mailboxId: string;
    raw: string;
    receivedAt: string;
  }): Promise<InboundMessageResult> {
    return this.inbound.process(
      payload.mailboxId,
      Buffer.from(payload.raw, 'base64'),
      new Date(payload.receivedAt),
    );
  }
}
