import { hostname } from 'node:os';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { SystemDatabase } from '@outreach/db/system';
import {
  JobProducer,
  maintenanceQueue,
  type AnalyzeNewTablesResult,
  type HeartbeatResult,
  type SystemHeartbeatPayload,
  type SystemHeartbeatResult,
} from '@outreach/jobs';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { TenantDatabase } from '@outreach/tenancy';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import {
  ContractProcessor,
  type JobHandlers,
  type ScheduleKeeping,
} from '../jobs/contract.processor.js';
import { ExperimentEvaluationService } from './experiment-evaluation.service.js';
import { StatsRollupService } from './stats-rollup.service.js';

/** The job scheduler of evaluate-experiments (one for every worker: the id makes it idempotent). */
export const EVALUATE_EXPERIMENTS_SCHEDULER_ID = 'evaluate-experiments';
/** The job scheduler of roll-up-campaign-stats (one for every worker, idempotent by its id). */
export const ROLL_UP_CAMPAIGN_STATS_SCHEDULER_ID = 'roll-up-campaign-stats';
/** The job scheduler of analyze-new-tables (one for every worker, idempotent by its id). */
export const ANALYZE_NEW_TABLES_SCHEDULER_ID = 'analyze-new-tables';
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
 * - `roll-up-campaign-stats` (system, every STATS_ROLLUP_EVERY_MS by a job scheduler): one
 *   `roll-up-campaign` per campaign whose stats changed since its rollup, of every organisation.
 * - `roll-up-campaign` (tenant): rebuilds the campaign's stats rollup from the data
 *   (StatsRollupService).
 * - `analyze-new-tables` (system, every STATISTICS_CHECK_EVERY_MS by a job scheduler): analyses
 *   the tables that got their first rows and have no statistics yet (SystemDatabase
 *   .analyzeTablesWithoutStatistics). Autovacuum does it only on its next round (a minute by
 *   default), and never for a table of fewer than 50 rows; meanwhile the plans the engine's
 *   functions cache per connection pick indexes blind, e.g. scan every message of the
 *   organisation for each send.
 */
@Processor(maintenanceQueue.name)
export class MaintenanceProcessor
  extends ContractProcessor<typeof maintenanceQueue>
  implements OnApplicationBootstrap
{
  readonly queue = maintenanceQueue;
  private readonly logger = new Logger(MaintenanceProcessor.name);

  protected readonly handlers: JobHandlers<typeof maintenanceQueue> = {
    heartbeat: () => this.heartbeat(),
    'system-heartbeat': (payload) => Promise.resolve(this.systemHeartbeat(payload)),
    'evaluate-experiments': () => this.experiments.enqueueDue(),
    'evaluate-experiment': (payload) => this.experiments.evaluate(payload.experimentId),
    'roll-up-campaign-stats': () => this.rollups.enqueueChanged(),
    'roll-up-campaign': (payload) => this.rollups.rollUp(payload.campaignId),
    'analyze-new-tables': () => this.analyzeNewTables(),
  };

  constructor(
    @Inject(TenantDatabase) tenants: TenantDatabase,
    private readonly experiments: ExperimentEvaluationService,
    private readonly rollups: StatsRollupService,
    private readonly system: SystemDatabase,
    private readonly producer: JobProducer,
    @Inject(SERVICE_CONFIG) private readonly config: WorkerConfig,
  ) {
    super(tenants);
  }

  protected override scheduleKeeping(): ScheduleKeeping<typeof maintenanceQueue> {
    return {
      producer: this.producer,
      refreshMs: SCHEDULER_REFRESH_MS,
      schedules: [
        {
          schedulerId: EVALUATE_EXPERIMENTS_SCHEDULER_ID,
          job: 'evaluate-experiments',
          payload: {},
          everyMs: this.config.experiments.evaluationEveryMs,
        },
        {
          schedulerId: ROLL_UP_CAMPAIGN_STATS_SCHEDULER_ID,
          job: 'roll-up-campaign-stats',
          payload: {},
          everyMs: this.config.stats.rollupEveryMs,
        },
        {
          schedulerId: ANALYZE_NEW_TABLES_SCHEDULER_ID,
          job: 'analyze-new-tables',
          payload: {},
          everyMs: this.config.stats.statisticsCheckEveryMs,
        },
      ],
    };
  }

  /** Analyses the tables without statistics; logs the ones it analysed (rare: first rows). */
  private async analyzeNewTables(): Promise<AnalyzeNewTablesResult> {
    const analysed = await this.system.analyzeTablesWithoutStatistics();
    if (analysed.length > 0) {
      this.logger.log(`analysed ${analysed.join(', ')}: their first rows had no statistics`);
    }
    return { analysed };
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
