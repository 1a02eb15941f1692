import { hostname } from 'node:os';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import {
  JobProducer,
  maintenanceQueue,
  type HeartbeatResult,
  type SystemHeartbeatPayload,
  type SystemHeartbeatResult,
} from '@outreach/jobs';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { TenantDatabase } from '@outreach/tenancy';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { ContractProcessor, type JobHandlers } from '../jobs/contract.processor.js';
import { ExperimentEvaluationService } from './experiment-evaluation.service.js';

/** The job scheduler of evaluate-experiments (one for every worker: the id makes it idempotent). */
export const EVALUATE_EXPERIMENTS_SCHEDULER_ID = 'evaluate-experiments';
/** How often each worker upserts that scheduler again (a Redis restarted empty loses it). */
const SCHEDULER_REFRESH_MS = 60_000;

/**
 * `outreach.maintenance`: housekeeping jobs.
 * - `heartbeat` (tenant): one tenant transaction for the job's organisation.
 * - `system-heartbeat` (system): no tenant, no database; says which worker handled it, when.
 * - `evaluate-experiments` (system, every EXPERIMENT_EVALUATION_EVERY_MS by a job scheduler):
 *   one `evaluate-experiment` per running auto-completing A/B experiment of every organisation.
 * - `evaluate-experiment` (tenant): completes the experiment when a variant wins
 *   (ExperimentEvaluationService).
 */
@Processor(maintenanceQueue.name)
export class MaintenanceProcessor
  extends ContractProcessor<typeof maintenanceQueue>
  implements OnApplicationBootstrap
{
  readonly queue = maintenanceQueue;
  private schedulerTimer: NodeJS.Timeout | undefined;
  private schedulerFailing = false;

  protected readonly handlers: JobHandlers<typeof maintenanceQueue> = {
    heartbeat: () => this.heartbeat(),
    'system-heartbeat': (payload) => Promise.resolve(this.systemHeartbeat(payload)),
    'evaluate-experiments': () => this.experiments.enqueueDue(),
    'evaluate-experiment': (payload) => this.experiments.evaluate(payload.experimentId),
  };

  constructor(
    @Inject(TenantDatabase) tenants: TenantDatabase,
    private readonly experiments: ExperimentEvaluationService,
    private readonly producer: JobProducer,
    @Inject(SERVICE_CONFIG) private readonly config: WorkerConfig,
  ) {
    super(tenants);
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    void this.ensureScheduler();
    this.schedulerTimer = setInterval(() => void this.ensureScheduler(), SCHEDULER_REFRESH_MS);
    this.schedulerTimer.unref();
  }

  override async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.schedulerTimer);
    await super.beforeApplicationShutdown();
  }

  /** Upserts the evaluate-experiments scheduler; with Redis down, logged once per outage. */
  private async ensureScheduler(): Promise<void> {
    try {
      await this.producer.schedule(
        maintenanceQueue,
        'evaluate-experiments',
        {},
        {
          schedulerId: EVALUATE_EXPERIMENTS_SCHEDULER_ID,
          everyMs: this.config.experiments.evaluationEveryMs,
        },
      );
      this.schedulerFailing = false;
    } catch (error) {
      if (!this.schedulerFailing) {
        new Logger(MaintenanceProcessor.name).error(
          `could not register the evaluate-experiments scheduler: ${String(error)}`,
        );
      }
      this.schedulerFailing = true;
    }
  }

  /** The worker process that handled the job, and when: proves a worker consumes the queue. */
  private systemHeartbeat(payload: SystemHeartbeatPayload): SystemHeartbeatResult {
    return {
      requestedAt: payload.requestedAt,
      handledAt: new Date().toISOString(),
      worker: { hostname: hostname(), pid: process.pid },
    };
  }

  /** One tenant transaction for the job's organisation: reports what the database saw. */
  private async heartbeat(): Promise<HeartbeatResult> {
    const snapshot = await this.tenants.transaction(({ repositories }) =>
      repositories.diagnostics.snapshot(),
    );
    return {
      organisationId: this.tenants.organisationId(),
      databaseOrganisationId: snapshot.organisationId ?? '',
      databaseTime: snapshot.databaseTime.toISOString(),
    };
  }
}
