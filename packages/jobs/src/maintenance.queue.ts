import { z } from 'zod';
import { defineQueue, systemJob, tenantJob, type JobPayload } from './queue-contract.js';

/**
 * `outreach.maintenance`: small housekeeping jobs.
 * - `heartbeat` (tenant): proves the producer → Redis → worker → PostgreSQL (tenant context)
 *   path for one organisation; the worker returns what the database saw.
 * - `system-heartbeat` (system): proves the producer → Redis → worker path with no tenant and
 *   no database; the worker returns who handled it and when. (The scheduler's claim of due
 *   tasks, the first system job that uses `@outreach/db/system`, comes with the sequence engine.)
 * - `evaluate-experiments` (system): run by a BullMQ job scheduler; lists the running A/B
 *   experiments that complete themselves (platform.experiments_to_evaluate, ids only) and
 *   enqueues one `evaluate-experiment` per experiment (`jobId` = `evaluate-<experiment id>`,
 *   removed when done).
 * - `evaluate-experiment` (tenant): assesses one experiment inside its organisation and, when a
 *   variant wins at the experiment's confidence and sample, completes it with the decision.
 * - `roll-up-campaign-stats` (system): run by a BullMQ job scheduler; lists the campaigns whose
 *   stats changed since their rollup (platform.campaign_stats_to_roll_up, ids only) and enqueues
 *   one `roll-up-campaign` per campaign (`jobId` = `rollup-<campaign id>`, removed when done).
 * - `roll-up-campaign` (tenant): rebuilds one campaign's stats rollup from the data in one
 *   tenant transaction (CampaignStatsRepository.rebuildRollup).
 * - `analyze-new-tables` (system): run by a BullMQ job scheduler; analyses the tables that got
 *   their first rows and have no statistics yet (platform.analyze_tables_without_statistics),
 *   so that no cached plan keeps picking indexes blind until autovacuum's next round.
 */
export const maintenanceQueue = defineQueue('outreach.maintenance', {
  heartbeat: tenantJob(
    z.object({
      organisationId: z.uuid(),
      requestedAt: z.iso.datetime(),
    }),
  ),
  'system-heartbeat': systemJob(
    z.object({
      requestedAt: z.iso.datetime(),
    }),
  ),
  'evaluate-experiments': systemJob(z.object({})),
  'evaluate-experiment': tenantJob(
    z.object({
      organisationId: z.uuid(),
      experimentId: z.uuid(),
    }),
  ),
  'roll-up-campaign-stats': systemJob(z.object({})),
  'roll-up-campaign': tenantJob(
    z.object({
      organisationId: z.uuid(),
      campaignId: z.uuid(),
    }),
  ),
  'analyze-new-tables': systemJob(z.object({})),
});

export type HeartbeatPayload = JobPayload<typeof maintenanceQueue, 'heartbeat'>;
export type SystemHeartbeatPayload = JobPayload<typeof maintenanceQueue, 'system-heartbeat'>;
export type EvaluateExperimentPayload = JobPayload<typeof maintenanceQueue, 'evaluate-experiment'>;

export type RollUpCampaignPayload = JobPayload<typeof maintenanceQueue, 'roll-up-campaign'>;

/** What a roll-up-campaign-stats run did. */
export interface RollUpCampaignStatsResult {
  campaigns: number;
  enqueued: number;
}

/** What a roll-up-campaign job did (null figures: the campaign no longer exists). */
export interface RollUpCampaignResult {
  campaignId: string;
  computedAt: string | null;
  rows: number;
  messages: number;
  durationMs: number;
}

/** What an analyze-new-tables run did: the tables it analysed (`schema.table`), often none. */
export interface AnalyzeNewTablesResult {
  analysed: string[];
}

/** What an evaluate-experiments run did. */
export interface EvaluateExperimentsResult {
  experiments: number;
  enqueued: number;
}

/** How an evaluate-experiment job ended (its return value, visible in Bull Board). */
export interface EvaluateExperimentResult {
  experimentId: string;
  /** completed: the winner was recorded; kept: still running; skipped: not running or not auto. */
  outcome: 'completed' | 'kept' | 'skipped';
  verdict: string | null;
  winnerVariantId: string | null;
  message: string;
}

/** What a heartbeat job returns. */
export interface HeartbeatResult {
  organisationId: string;
  /** `app.organisation_id` as the database saw it inside the job's transaction. */
  databaseOrganisationId: string;
  databaseTime: string;
}

/** What a system-heartbeat job returns: the worker process that handled it, and when. */
export interface SystemHeartbeatResult {
  requestedAt: string;
  handledAt: string;
  worker: { hostname: string; pid: number };
}
