import { z } from 'zod';
import { defineQueue, tenantJob, type JobPayload } from './queue-contract.js';

/**
 * `outreach.imports`: prospect imports.
 * - `process-import` (tenant): validates an uploaded import's staged rows, then merges them into
 *   crm in batches (each batch one tenant transaction with the import's progress). Enqueued by
 *   the api's upload with `jobId` = the import id, so an import is processed once; a re-run
 *   resumes after the last committed batch.
 */
export const importsQueue = defineQueue('outreach.imports', {
  'process-import': tenantJob(
    z.object({
      organisationId: z.uuid(),
      importId: z.uuid(),
    }),
  ),
});

export type ProcessImportPayload = JobPayload<typeof importsQueue, 'process-import'>;

/** What a process-import job returns. */
export interface ProcessImportResult {
  importId: string;
  status: 'completed' | 'failed';
  rowsTotal: number;
  rowsRejected: number;
}
