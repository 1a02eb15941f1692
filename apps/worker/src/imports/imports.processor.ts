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

/**
 * Rows per batch transaction (a handful of set-based statements per batch): after a first batch
 * of FIRST_BATCH_ROWS, 5 batches for a 100,000-row file. Each batch costs a fixed set of round
 * trips and plannings whatever its size (the erased-address lookup, reading the staged runs, the
 * COPY of its rows, three plannings, the progress update), 20 times over with batches of 5,000;
 * a batch of 20,000 rows is a few megabytes of COPY text.
 */
export const MERGE_BATCH_ROWS = 20_000;
/**
 * An import job runs for seconds to minutes; should its worker die, another takes it back once
 * its lock has expired and a stalled-job check has seen it: within 15 s with these (BullMQ's
 * defaults, 30 s each, made it 30–60 s). The lock is renewed every 5 s, and the job never keeps
 * the event loop that long (it yields between slices of 250 rows and awaits PostgreSQL).
 */
const IMPORT_WORKER_OPTIONS = { lockDuration: 10_000, stalledInterval: 5_000 } as const;
/**
 * Rows of a batch nothing prepared ahead (the first): read, validated and encoded while
 * PostgreSQL waits, so fewer than a whole batch.
 */
const FIRST_BATCH_ROWS = 5_000;
/**
 * Rows validated between two turns of the event loop while the next batch is prepared
 * (a few milliseconds of work): the current batch's statements are sent as soon as their turn comes.
 */
const VALIDATION_SLICE_ROWS = 250;

/**
 * A batch read and validated ahead: the rows after `afterRow`, through `throughRow`, the valid
 * ones as records and the COPY text the merge reads built from them, the refused ones' errors.
 */
interface PreparedBatch {
  afterRow: number;
  throughRow: number | null;
  records: { rowNumber: number; record: ProspectRecord }[];
  payloads: PreparedMergeRows;
  /** The refused rows' errors (at least one per refused row), in row order. */
  errors: (RowError & { rowNumber: number })[];
}

/**
 * `outreach.imports` / `process-import`: validates an import's staged rows and merges the valid
 * ones into crm, a batch per transaction. Each transaction records the batch's validation (its
 * row errors, rows_validated, rows_rejected), merges its valid rows and records the merge's
 * progress (rows_merged and the per-entity counts) together, so a worker killed mid-import
 * resumes after the last committed batch, and a batch is never merged twice (the merge locks the
 * import and skips what it already merged). On the last attempt a failure marks the import
 * `failed` with the error.
 *
 * Status: `validating` until the first batch commits, then `merging` until `completed`; the
 * validation is recorded batch by batch with the merge (rows.validated ≥ rows.merged), not in a
 * pass over the whole file first: the file is read and validated once, and PostgreSQL merges
 * from the first batch on.
 *
 * Pipelined over the machine's two halves: each batch's transaction also reads the next batch's
 * staged rows, validates them in slices (yielding to the event loop) and builds the COPY text
 * of their valid rows while this batch's statements run in PostgreSQL; the next transaction
 * uses them only if the locked import's rows_merged is still where they start (otherwise it reads
 * and validates afresh), so what a batch merges never depends on what a killed or concurrent run
 * had prepared.
 */
@Processor(importsQueue.name, IMPORT_WORKER_OPTIONS)
export class ImportsProcessor extends ContractProcessor<typeof importsQueue> {
  readonly queue = importsQueue;
  /** Rows per batch transaction: MERGE_BATCH_ROWS (tests lower it to merge a sample in batches). */
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

  /** Batch after batch, each validated and merged, resuming where the committed progress says. */
  async run(importId: string): Promise<ProcessImportResult> {
    // The upload enqueues the job just before its transaction commits: an import not visible yet
    // is waited for (the upload's lock on it), then read again; still absent, the upload rolled
    // back or the import is another organisation's.
    const found =
      (await this.transaction((repos, org) => repos.importJobs.find(org, importId))) ??
      (await this.transaction((repos, org) => repos.importJobs.afterUpload(org, importId)));
    if (!found) throw new Error(`import ${importId} not found in this organisation`);
    if (found.status === 'completed' || found.status === 'failed') return resultOf(found);
    const mapping = headerMappingOf(found);

    if (found.status === 'queued') {
      await this.transaction((repos, org) =>
        repos.importJobs.setStatus(org, importId, 'validating'),
      );
    }
    // The next batch, prepared ahead by the previous batch's transaction.
    let ahead = null as Promise<PreparedBatch> | null;
    for (;;) {
      // Awaited before the transaction, never inside one: the read ahead needs a connection of
      // its own, which a pool full of transactions waiting for their reads would never free.
      const prepared = ahead ? await ahead.catch(() => null) : null;
      ahead = null;
      const done = await this.transaction(async (repos, org) => {
        const current = await repos.importJobs.lock(org, importId);
        if (!current || (current.status !== 'validating' && current.status !== 'merging')) {
          return true;
        }
        if (current.rowsMerged >= current.rowsTotal) {
          await repos.importJobs.deleteRows(org, importId);
          await repos.importJobs.setStatus(org, importId, 'completed');
          return true;
        }
        // A batch nothing prepared ahead (the first, or after a resume) is read and validated
        // here, while PostgreSQL waits: a small one, so that the pipeline starts sooner.
        const batch =
          prepared?.afterRow === current.rowsMerged
            ? prepared
            : await validated(
                current.rowsMerged,
                await repos.importJobs.readRows(
                  org,
                  importId,
                  current.rowsMerged,
                  Math.min(FIRST_BATCH_ROWS, this.mergeBatchRows),
                ),
                mapping,
                current.pharowListName,
              );
        const throughRow = batch.throughRow ?? current.rowsTotal;
        if (throughRow < current.rowsTotal) {
          // Read in a transaction of its own (another connection: the staged rows do not change)
          // while this batch's statements run, then validated and encoded here meanwhile.
          const next = this.transaction((reader, readerOrg) =>
            reader.importJobs.readRows(readerOrg, importId, throughRow, this.mergeBatchRows),
          ).then((rows) => validated(throughRow, rows, mapping, current.pharowListName));
          // Awaited before the next transaction; a batch that fails first leaves it unread.
          next.catch(() => undefined);
          ahead = next;
        }
        // The batch's validation, with its merge: the rows past what is already recorded (an
        // import validated further by an earlier version of this job is not counted twice).
        if (throughRow > current.rowsValidated) {
          const after = current.rowsValidated;
          const errors = batch.errors.filter((error) => error.rowNumber > after);
          const rejected = new Set(errors.map((error) => error.rowNumber)).size;
          await repos.importJobs.recordValidation(org, importId, throughRow, rejected, errors);
        }
        if (current.status === 'validating') {
          await repos.importJobs.setStatus(org, importId, 'merging');
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
 * The rows of `rows` (the staged rows after `afterRow`) validated a slice at a time between
 * turns of the event loop: the valid ones as records, with the COPY text the merge reads built
 * from them, and the refused ones' errors.
 */
async function validated(
  afterRow: number,
  rows: readonly StagedRow[],
  mapping: HeaderMapping,
  listName: string | null,
): Promise<PreparedBatch> {
  const records: { rowNumber: number; record: ProspectRecord }[] = [];
  const errors: (RowError & { rowNumber: number })[] = [];
  for (let start = 0; start < rows.length; start += VALIDATION_SLICE_ROWS) {
    await nextTurn();
    for (const row of rows.slice(start, start + VALIDATION_SLICE_ROWS)) {
      const result = validateRow(row.cells, mapping);
      if (result.ok) {
        records.push({ rowNumber: row.rowNumber, record: result.record });
      } else {
        for (const error of result.errors) errors.push({ rowNumber: row.rowNumber, ...error });
      }
    }
  }
  const payloads = await prepareMergeRows(records, listName);
  return {
    afterRow,
    throughRow: rows.at(-1)?.rowNumber ?? null,
    records,
    payloads,
    errors,
  };
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
