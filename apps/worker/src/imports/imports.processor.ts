import { Processor } from '@nestjs/bullmq';
import {
  prepareMergeRows,
  type Import,
  type OrganisationId,
  type PreparedMergeRows,
  type ProspectRecord,
  type Repositories,
  type StagedRow,
} from '@outreach/db';
import { importsQueue, type ProcessImportPayload, type ProcessImportResult } from '@outreach/jobs';
import {
  isPharowField,
  validateRow,
  type HeaderMapping,
  type PharowField,
  type RowError,
} from '@outreach/pharow';
import type { Job } from 'bullmq';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ContractProcessor, type JobHandlers } from '../jobs/contract.processor.js';

/** Rows validated per transaction (their errors and the progress commit together). */
export const VALIDATION_BATCH_ROWS = 20_000;
/**
 * Rows merged per transaction (a handful of set-based statements per batch): 5 batches for a
 * 100,000-row file. Each batch costs a fixed set of round trips, plannings and JSON parses
 * whatever its size (the erased-address lookup, reading the staged runs, three plannings and JSON
 * parses, the progress update), 20 times over with batches of 5,000; a batch of
 * 20,000 rows is a few megabytes of JSON per statement.
 */
export const MERGE_BATCH_ROWS = 20_000;
/**
 * Rows validated between two turns of the event loop while the next merge batch is prepared
 * (about 10 ms of work): the current batch's statements are sent as soon as their turn comes.
 */
const VALIDATION_SLICE_ROWS = 1_000;

/**
 * A merge batch read and validated ahead: the rows after `afterRow`, through `throughRow`, and
 * the merge statements' payloads built from them.
 */
interface PreparedBatch {
  afterRow: number;
  throughRow: number | null;
  records: { rowNumber: number; record: ProspectRecord }[];
  payloads: PreparedMergeRows;
}

/**
 * `outreach.imports` / `process-import`: validates an import's staged rows, then merges the
 * valid ones into crm. Each batch is one tenant transaction that also records the import's
 * progress (rows_validated, then rows_merged and the per-entity counts), so a worker killed
 * mid-import resumes after the last committed batch, and a batch is never merged twice (the
 * merge locks the import and skips what it already merged). On the last attempt a failure marks
 * the import `failed` with the error.
 *
 * The merge is pipelined over the machine's two halves: each batch's transaction also reads the
 * next batch's staged rows, validates them in slices (yielding to the event loop) and builds the
 * merge statements' JSON payloads while this batch's statements run in PostgreSQL; the next transaction uses them only if the locked
 * import's rows_merged is still where they start (otherwise it reads and validates afresh), so
 * what a batch merges never depends on what a killed or concurrent run had prepared. The first
 * merge batch is prepared by the validation of the same rows (not validated a second time).
 */
@Processor(importsQueue.name)
export class ImportsProcessor extends ContractProcessor<typeof importsQueue> {
  readonly queue = importsQueue;
  /** Rows per merge transaction: MERGE_BATCH_ROWS (tests lower it to merge a sample in batches). */
  mergeBatchRows = MERGE_BATCH_ROWS;

  protected readonly handlers: JobHandlers<typeof importsQueue> = {
    'process-import': (payload, job) => this.processImport(payload, job),
  };

  private async processImport(
    { importId }: ProcessImportPayload,
    job: Job,
  ): Promise<ProcessImportResult> {
    try {
      return await this.run(importId);
    } catch (error) {
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        const message = error instanceof Error ? error.message : String(error);
        await this.transaction((repos, org) =>
          repos.importJobs.setStatus(org, importId, 'failed', `import failed: ${message}`),
        );
      }
      throw error;
    }
  }

  /** Validation, then merge, each resuming where the committed progress says. */
  async run(importId: string): Promise<ProcessImportResult> {
    const found = await this.transaction((repos, org) => repos.importJobs.find(org, importId));
    // The upload enqueues before its transaction commits: not found yet is retried (backoff).
    if (!found) throw new Error(`import ${importId} not found in this organisation`);
    if (found.status === 'completed' || found.status === 'failed') return resultOf(found);
    const mapping = headerMappingOf(found);

    if (found.status === 'queued') {
      await this.transaction((repos, org) =>
        repos.importJobs.setStatus(org, importId, 'validating'),
      );
    }
    // The next merge batch, prepared ahead: the first by the validation of rows 1 to 20,000
    // (the same rows, when the batch sizes agree), each later one by the previous merge batch.
    let ahead: Promise<PreparedBatch> | null = null;
    for (;;) {
      const done = await this.transaction(async (repos, org) => {
        const current = await repos.importJobs.lock(org, importId);
        if (!current || current.status !== 'validating') return true;
        if (current.rowsValidated >= current.rowsTotal) {
          await repos.importJobs.setStatus(org, importId, 'merging');
          return true;
        }
        const rows = await repos.importJobs.readRows(
          org,
          importId,
          current.rowsValidated,
          VALIDATION_BATCH_ROWS,
        );
        const errors: (RowError & { rowNumber: number })[] = [];
        let rejected = 0;
        const firstMergeBatch =
          current.rowsValidated === 0 && this.mergeBatchRows === VALIDATION_BATCH_ROWS;
        const records: { rowNumber: number; record: ProspectRecord }[] = [];
        for (const row of rows) {
          const result = validateRow(row.cells, mapping);
          if (!result.ok) {
            rejected += 1;
            for (const error of result.errors) errors.push({ rowNumber: row.rowNumber, ...error });
          } else if (firstMergeBatch) {
            records.push({ rowNumber: row.rowNumber, record: result.record });
          }
        }
        if (firstMergeBatch) {
          const throughRow = rows.at(-1)?.rowNumber ?? null;
          const first = prepareMergeRows(records, current.pharowListName).then(
            (payloads): PreparedBatch => ({ afterRow: 0, throughRow, records, payloads }),
          );
          first.catch(() => undefined);
          ahead = first;
        }
        const throughRow = rows.at(-1)?.rowNumber ?? current.rowsTotal;
        await repos.importJobs.recordValidation(org, importId, throughRow, rejected, errors);
        return false;
      });
      if (done) break;
    }

    for (;;) {
      const done = await this.transaction(async (repos, org) => {
        const current = await repos.importJobs.lock(org, importId);
        if (!current || current.status !== 'merging') return true;
        if (current.rowsMerged >= current.rowsTotal) {
          await repos.importJobs.deleteRows(org, importId);
          await repos.importJobs.setStatus(org, importId, 'completed');
          return true;
        }
        const prepared = ahead ? await ahead : null;
        ahead = null;
        const batch =
          prepared?.afterRow === current.rowsMerged
            ? prepared
            : await validated(
                current.rowsMerged,
                await repos.importJobs.readRows(
                  org,
                  importId,
                  current.rowsMerged,
                  this.mergeBatchRows,
                ),
                mapping,
                current.pharowListName,
              );
        const throughRow = batch.throughRow ?? current.rowsTotal;
        if (throughRow < current.rowsTotal) {
          const next = validated(
            throughRow,
            await repos.importJobs.readRows(org, importId, throughRow, this.mergeBatchRows),
            mapping,
            current.pharowListName,
          );
          // Awaited by the next transaction; a batch that fails first leaves it unread.
          next.catch(() => undefined);
          ahead = next;
        }
        await repos.prospectMerge.mergeBatch(org, {
          importId,
          throughRow,
          records: batch.records,
          legalBasis: current.legalBasis,
          listName: current.pharowListName,
          prepared: batch.payloads,
        });
        return false;
      });
      if (done) break;
    }

    const final = await this.transaction((repos, org) => repos.importJobs.find(org, importId));
    return final ? resultOf(final) : { importId, status: 'failed', rowsTotal: 0, rowsRejected: 0 };
  }

  private transaction<T>(
    work: (repos: Repositories, organisationId: OrganisationId) => Promise<T>,
  ): Promise<T> {
    return this.tenants.transaction(({ repositories, organisationId }) =>
      work(repositories, organisationId),
    );
  }
}

function resultOf(found: Import): ProcessImportResult {
  return {
    importId: found.id,
    status: found.status === 'completed' ? 'completed' : 'failed',
    rowsTotal: found.rowsTotal,
    rowsRejected: found.rowsRejected,
  };
}

/**
 * The valid rows of `rows` (the staged rows after `afterRow`) as records, validated a slice at a
 * time between turns of the event loop, and the merge statements' payloads built from them.
 */
async function validated(
  afterRow: number,
  rows: readonly StagedRow[],
  mapping: HeaderMapping,
  listName: string | null,
): Promise<PreparedBatch> {
  const records: { rowNumber: number; record: ProspectRecord }[] = [];
  for (let start = 0; start < rows.length; start += VALIDATION_SLICE_ROWS) {
    await nextTurn();
    for (const row of rows.slice(start, start + VALIDATION_SLICE_ROWS)) {
      const result = validateRow(row.cells, mapping);
      if (result.ok) records.push({ rowNumber: row.rowNumber, record: result.record });
    }
  }
  const payloads = await prepareMergeRows(records, listName);
  return { afterRow, throughRow: rows.at(-1)?.rowNumber ?? null, records, payloads };
}

/** The header mapping the upload stored (fields checked against the canonical list). */
export function headerMappingOf(found: Import): HeaderMapping {
  const { headers, fields, unknown } = found.columnMapping;
  return {
    headers,
    fields: fields.map((field): PharowField | null => (isPharowField(field) ? field : null)),
    unknown,
    missing: [],
    duplicates: [],
  };
}
