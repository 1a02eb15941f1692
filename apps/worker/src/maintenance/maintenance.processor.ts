import { hostname } from 'node:os';
import { Processor } from '@nestjs/bullmq';
import {
  maintenanceQueue,
  type HeartbeatResult,
  type SystemHeartbeatPayload,
  type SystemHeartbeatResult,
} from '@outreach/jobs';
import { ContractProcessor, type JobHandlers } from '../jobs/contract.processor.js';

/**
 * `outreach.maintenance`: housekeeping jobs.
 * - `heartbeat` (tenant): one tenant transaction for the job's organisation.
 * - `system-heartbeat` (system): no tenant, no database; says which worker handled it, when.
 */
@Processor(maintenanceQueue.name)
export class MaintenanceProcessor extends ContractProcessor<typeof maintenanceQueue> {
  readonly queue = maintenanceQueue;

  protected readonly handlers: JobHandlers<typeof maintenanceQueue> = {
    heartbeat: () => this.heartbeat(),
    'system-heartbeat': (payload) => Promise.resolve(this.systemHeartbeat(payload)),
  };

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
