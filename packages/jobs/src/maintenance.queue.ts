import { z } from 'zod';
import { defineQueue, systemJob, tenantJob, type JobPayload } from './queue-contract.js';

/**
 * `outreach.maintenance`: small housekeeping jobs.
 * - `heartbeat` (tenant): proves the producer → Redis → worker → PostgreSQL (tenant context)
 *   path for one organisation; the worker returns what the database saw.
 * - `system-heartbeat` (system): proves the producer → Redis → worker path with no tenant and
 *   no database; the worker returns who handled it and when. (The scheduler's claim of due
 *   tasks, the first system job that uses `@outreach/db/system`, comes with the sequence engine.)
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
});

export type HeartbeatPayload = JobPayload<typeof maintenanceQueue, 'heartbeat'>;
export type SystemHeartbeatPayload = JobPayload<typeof maintenanceQueue, 'system-heartbeat'>;

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
