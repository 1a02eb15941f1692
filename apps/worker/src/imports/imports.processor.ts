import { Processor } from '@nestjs/bullmq';
import {
  databaseErrorCode,
  mergeKeys,
  prepareMergeRows,
  sharesMergeKeys,
  type Import,
  type OrganisationId,
  type PreparedMergeRows,
  type MergeResult,
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
 * of FIRST_BATCH_ROWS, 10 batches for a 100,000-row file. Each batch costs a fixed set of round
 * trips and plannings whatever its size (the erased-address lookup, reading the staged runs, the
 * COPY of its rows, three plannings, the progress update); with two merging at once (MERGE_LANES)
 * smaller batches keep both busy to the end: the 100,000-row bench took 9.1–9.8 s with 10,000
 * against 10.7 s with 20,000 (one lane and 20,000: 13.4 s), and 8.9–9.2 s with 8,000 (within the
 * noise of 10,000).
 */
export const MERGE_BATCH_ROWS = 10_000;
/**
 * Batch transactions of one import merging at once. PostgreSQL runs a statement on one core:
 * with one batch at a time the merge used one of the machine's two while the worker waited.
 * A batch starts beside the one before it only when the two share no merge key (`mergeKeys`:
 * neither can then match, update or collide with what the other creates), and commits only
 * after it, so the progress still advances batch by batch, in row order.
 */
export const MERGE_LANES = 2;
/**
 * Conflicts (another run of the same import, or another writer, holding the same keys) after
 * which the import stops retrying in lanes and in turn: the last one fails the attempt.
 */
const MAX_MERGE_CONFLICTS = 5;
/**
 * The longest a batch merging in a lane waits for a lock. The batch after it holds its
 * connection while it waits for this one to commit, so a lock of that batch this one would wait
 * for is a deadlock PostgreSQL cannot see: none is expected (their keys are disjoint, the
 * import is locked FOR NO KEY UPDATE), and should one happen this ends it as a conflict.
 */
const LANE_LOCK_WAIT_MS = 10_000;
/**
 * An import job runs for seconds to minutes; should its worker die, another takes it back once
 * its lock has expired and a stalled-job check has seen it: within 15 s with these (BullMQ's
 * defaults, 30 s each, made it 30–60 s). The lock is renewed every 5 s, and the job never keeps
 * the event loop that long (it yields between slices of 250 rows and awaits PostgreSQL).
 */
const IMPORT_WORKER_OPTIONS = { lockDuration: 10_000, stalledInterval: 5_000 } as const;
/**
 * Rows of a batch nothing prepared ahead (the first): read, validated and encoded while
 * PostgreSQL waits, so fewer than a whole batch (100,000-row bench, two runs each: 8.88 / 8.98 s
 * with 2,500 against 9.07 / 9.53 s with 5,000).
 */
const FIRST_BATCH_ROWS = 2_500;
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
 * resumes after the last committed batch, and a batch is never merged twice (its progress is
 * recorded under the import's lock only if the import's rows_merged is where the batch starts).
 * On the last attempt a failure marks the import `failed` with the error.
 *
 * Status: `validating` until the first batch commits, then `merging` until `completed`; the
 * validation is recorded batch by batch with the merge (rows.validated ≥ rows.merged), not in a
 * pass over the whole file first: the file is read and validated once, and PostgreSQL merges
 * from the first batch on.
 *
 * Pipelined over the machine's cores: the next batch's staged rows are read, validated in
 * slices (yielding to the event loop) and encoded as COPY text while batches merge, and two
 * batches merge at once when they share no merge key (MERGE_LANES), committing in row order.
 * A conflict with another run of the same import (a re-delivered job) or another writer sends
 * the import back to its committed progress, one batch at a time under the import's lock from
 * then on; what a batch merges never depends on what a killed or concurrent run had prepared.
 */
@Processor(importsQueue.name, IMPORT_WORKER_OPTIONS)
export class ImportsProcessor extends ContractProcessor<typeof importsQueue> {
  readonly queue = importsQueue;
  /** Rows per batch transaction: MERGE_BATCH_ROWS (tests lower it to merge a sample in batches). */
  mergeBatchRows = MERGE_BATCH_ROWS;
  /** Batch transactions at once: MERGE_LANES (tests set 1 to merge one batch at a time). */
  mergeLanes = MERGE_LANES;

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

  /**
   * Batch after batch, each validated and merged, resuming where the committed progress says:
   * two at a time where they are independent (mergeInLanes), then — to finish, or after a
   * conflict — one at a time under the import's lock (mergeInTurn), which also completes it.
   */
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
    let conflicts = 0;
    let lanes = this.mergeLanes > 1;
    for (;;) {
      try {
        if (lanes) await this.mergeInLanes(importId, mapping);
        await this.mergeInTurn(importId, mapping);
        break;
      } catch (error) {
        if (!isMergeConflict(error)) throw error;
        conflicts += 1;
        if (conflicts >= MAX_MERGE_CONFLICTS) throw error;
        // Another run of this import (a re-delivered job) or another writer got in the way:
        // from the committed progress again, one batch at a time under the import's lock.
        lanes = false;
      }
    }

    const final = await this.transaction((repos, org) => repos.importJobs.find(org, importId));
    return final ? resultOf(final) : { importId, status: 'failed', rowsTotal: 0, rowsRejected: 0 };
  }

  /**
   * From the committed progress to the end of the file, up to `mergeLanes` batch transactions
   * at once (see MERGE_LANES). A batch's merge statements start as soon as a lane is free if it
   * shares no merge key with any batch still in flight (else once those have committed); then
   * it waits for the batch before it to commit and records its validation and progress under the
   * import's lock — only if the progress is where the batch starts (else MergeSuperseded:
   * another run merged it, and everything rolls back). A batch that fails takes the ones after
   * it down with it (each waits for the one before): what is committed is always a prefix of
   * the file.
   */
  private async mergeInLanes(importId: string, mapping: HeaderMapping): Promise<void> {
    const start = await this.transaction((repos, org) => repos.importJobs.find(org, importId));
    if (!start || !isMerging(start) || start.rowsMerged >= start.rowsTotal) return;
    const inFlight: { keys: Set<string>; committed: Promise<void> }[] = [];
    try {
      for await (const batch of this.batchesAhead(importId, start, mapping)) {
        // A lane is free once the oldest batch in flight is over.
        while (inFlight.length >= this.mergeLanes) await inFlight.shift()?.committed;
        const keys = mergeKeys(batch.records);
        const dependsOn = inFlight.filter((other) => sharesMergeKeys(other.keys, keys));
        const committed = this.mergeInLane(
          importId,
          start,
          batch,
          inFlight.at(-1)?.committed ?? null,
          dependsOn.map((other) => other.committed),
        );
        committed.catch(() => undefined);
        inFlight.push({ keys, committed });
      }
      for (const { committed } of inFlight.splice(0)) await committed;
    } finally {
      // Never leave a transaction running behind a failure (its connection, its locks).
      await Promise.allSettled(inFlight.map((other) => other.committed));
    }
  }

  /**
   * One batch of mergeInLanes, in a transaction of its own: its statements once the batches it
   * shares keys with (`dependsOn`) have committed, its progress once the batch before it
   * (`after`) has.
   */
  private async mergeInLane(
    importId: string,
    start: Import,
    batch: PreparedBatch,
    after: Promise<void> | null,
    dependsOn: readonly Promise<void>[],
  ): Promise<void> {
    // Outside the transaction: a batch that depends on others waits without a connection.
    for (const other of dependsOn) await other;
    await this.transaction(async (repos, org) => {
      await repos.importJobs.limitLockWaits(LANE_LOCK_WAIT_MS);
      const merged = await mergeRows(repos, org, start, batch);
      // Commits after the batch before it (whose failure rolls this one back).
      if (after) await after;
      const current = await repos.importJobs.lock(org, importId);
      if (!current || !isMerging(current) || current.rowsMerged !== batch.afterRow) {
        throw new MergeSuperseded(importId, batch.afterRow, current?.rowsMerged ?? null);
      }
      await recordMerged(repos, org, current, batch, merged);
    });
  }

  /**
   * The batches from the import's committed progress to its end, each read and validated while
   * the one before it is merged: a FIRST_BATCH_ROWS one (the merge starts sooner), then
   * `mergeBatchRows` ones.
   */
  private async *batchesAhead(
    importId: string,
    start: Import,
    mapping: HeaderMapping,
  ): AsyncGenerator<PreparedBatch> {
    const read = (afterRow: number, limit: number): Promise<PreparedBatch> => {
      const reading = this.transaction((repos, org) =>
        repos.importJobs.readRows(org, importId, afterRow, limit),
      ).then((rows) => validated(afterRow, rows, mapping, start.pharowListName));
      // Awaited when its turn comes; a merge that fails first leaves it unread.
      reading.catch(() => undefined);
      return reading;
    };
    let next: Promise<PreparedBatch> | null = read(
      start.rowsMerged,
      Math.min(FIRST_BATCH_ROWS, this.mergeBatchRows),
    );
    while (next) {
      const batch: PreparedBatch = await next;
      const throughRow = batch.throughRow ?? start.rowsTotal;
      next = throughRow < start.rowsTotal ? read(throughRow, this.mergeBatchRows) : null;
      yield batch;
    }
  }

  /**
   * One batch at a time, each in a transaction that holds the import's lock from the start:
   * merges what mergeInLanes left (nothing, unless it met a conflict or `mergeLanes` is 1) and
   * completes the import. Each batch's transaction also reads the next batch while its own
   * statements run.
   */
  private async mergeInTurn(importId: string, mapping: HeaderMapping): Promise<void> {
    // The next batch, prepared ahead by the previous batch's transaction.
    let ahead = null as Promise<PreparedBatch> | null;
    for (;;) {
      // Awaited before the transaction, never inside one: the read ahead needs a connection of
      // its own, which a pool full of transactions waiting for their reads would never free.
      const prepared = ahead ? await ahead.catch(() => null) : null;
      ahead = null;
      const done = await this.transaction(async (repos, org) => {
        const current = await repos.importJobs.lock(org, importId);
        if (!current || !isMerging(current)) return true;
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
        // The import is locked and its progress is where the batch starts: merged, then recorded.
        await recordMerged(repos, org, current, batch, await mergeRows(repos, org, current, batch));
        return false;
      });
      if (done) return;
    }
  }

  private transaction<T>(
    work: (repos: Repositories, organisationId: OrganisationId) => Promise<T>,
  ): Promise<T> {
    return this.tenants.transaction(({ repositories, organisationId }) =>
      work(repositories, organisationId),
    );
  }
}

/** A batch's transaction found the import's progress elsewhere than where the batch starts. */
class MergeSuperseded extends Error {
  constructor(importId: string, afterRow: number, rowsMerged: number | null) {
    super(
      `import ${importId}: the batch after row ${String(afterRow)} found the merge ` +
        (rowsMerged === null ? 'stopped' : `at row ${String(rowsMerged)}`),
    );
    this.name = 'MergeSuperseded';
  }
}

/**
 * Errors that another transaction on the same rows causes, not the data: a batch superseded by
 * another run, a deadlock, a serialization failure, a lock waited for too long in a lane
 * (LANE_LOCK_WAIT_MS), or a unique key taken meanwhile (by another run of this import, another
 * import or the API). Retried from the committed progress.
 */
function isMergeConflict(error: unknown): boolean {
  if (error instanceof MergeSuperseded) return true;
  const code = databaseErrorCode(error);
  return code === '40P01' || code === '40001' || code === '55P03' || code === '23505';
}

function isMerging(found: Import): boolean {
  return found.status === 'validating' || found.status === 'merging';
}

/** A batch's valid rows merged into crm (ProspectMergeRepository.mergeRows), nothing recorded. */
function mergeRows(
  repos: Repositories,
  org: OrganisationId,
  found: Import,
  batch: PreparedBatch,
): Promise<MergeResult> {
  return repos.prospectMerge.mergeRows(org, {
    importId: found.id,
    records: batch.records,
    legalBasis: found.legalBasis,
    listName: found.pharowListName,
    prepared: batch.payloads,
  });
}

/**
 * A merged batch recorded (in its transaction, the import locked as `current`): its row errors
 * past what is already recorded (an import validated further by an earlier version of this job
 * is not counted twice), the status `merging` from the first batch on, then rows_merged and the
 * counts.
 */
async function recordMerged(
  repos: Repositories,
  org: OrganisationId,
  current: Import,
  batch: PreparedBatch,
  merged: MergeResult,
): Promise<void> {
  const throughRow = batch.throughRow ?? current.rowsTotal;
  if (throughRow > current.rowsValidated) {
    const after = current.rowsValidated;
    const errors = batch.errors.filter((error) => error.rowNumber > after);
    const rejected = new Set(errors.map((error) => error.rowNumber)).size;
    await repos.importJobs.recordValidation(org, current.id, throughRow, rejected, errors);
  }
  if (current.status === 'validating') {
    await repos.importJobs.setStatus(org, current.id, 'merging');
  }
  await repos.prospectMerge.recordProgress(org, current.id, throughRow, merged);
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
