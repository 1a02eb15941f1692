import { z } from 'zod';
import { defineQueue } from './queue-contract.js';

/**
 * `outreach.maintenance`: small housekeeping jobs.
 * - `heartbeat`: proves the producer → Redis → worker → PostgreSQL (tenant context) path
 *   for one organisation; the worker returns what the database saw.
 */
export const maintenanceQueue = defineQueue('outreach.maintenance', {
  heartbeat: z.object({
    organisationId: z.uuid(),
    requestedAt: z.iso.datetime(),
  }),
});

export type HeartbeatPayload = z.output<typeof maintenanceQueue.jobs.heartbeat>;

/** What a heartbeat job returns. */
export interface HeartbeatResult {
  organisationId: string;
  /** `app.organisation_id` as the database saw it inside the job's transaction. */
  databaseOrganisationId: string;
  databaseTime: string;
}
