import { hostname } from 'node:os';
import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { asOrganisationId, runInTenantTransaction } from '@outreach/db';
import {
  maintenanceQueue,
  type HeartbeatResult,
  type SystemHeartbeatPayload,
  type SystemHeartbeatResult,
} from '@outreach/jobs';
import { getTenantContext } from '@outreach/tenancy';
import { DataSource } from 'typeorm';
import { ContractProcessor, type JobHandlers } from '../jobs/contract.processor.js';

interface HeartbeatRow {
  organisation_id: string;
  database_time: Date;
}

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

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    super();
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
    const { organisationId } = getTenantContext();
    const rows = await runInTenantTransaction(
      this.dataSource,
      asOrganisationId(organisationId),
      (manager) =>
        manager.query<HeartbeatRow[]>(
          `SELECT current_setting('app.organisation_id', true) AS organisation_id, now() AS database_time`,
        ),
    );
    const [row] = rows;
    if (!row) throw new Error('heartbeat query returned no row');
    return {
      organisationId,
      databaseOrganisationId: row.organisation_id,
      databaseTime: row.database_time.toISOString(),
    };
  }
}
