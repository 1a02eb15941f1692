import type { EntityManager } from 'typeorm';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { Import } from '../imports/import.entity.js';
import {
  IMPORT_STATUSES,
  type ImportColumnMapping,
  type ImportDelimiter,
  type ImportEncoding,
  type ImportStatus,
  type LegalBasis,
} from '../imports/import-values.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import { copyIn, hydrate, runQuery } from './entity-rows.js';

/** What an upload knows about its import before the rows arrive. */
export interface ImportInput {
  fileName: string;
  fileSize: number;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  columnMapping: ImportColumnMapping;
  pharowListName?: string | null;
  legalBasis?: LegalBasis;
  createdBy?: string | null;
}

/** One staged data row: its number (1 = the line after the header) and its raw cells. */
export interface StagedRow {
  rowNumber: number;
  cells: string[];
}

/** One refused cell (or whole row: column ''), as the report lists it. */
export interface ImportRowErrorRecord {
  rowNumber: number;
  column: string;
  value: string;
  reason: string;
}

/** Where a page of row errors ends (keyset on (row_number, id)). */
export interface ImportErrorCursor {
  rowNumber: number;
  id: string;
}

/** Bytes of COPY text sent per write. */
const COPY_CHUNK_BYTES = 256 * 1024;

/**
 * Data rows per staged row: imports.import_rows holds the rows in runs of this many (row_number
 * is the run's first row, cells a JSON array of the rows' cell arrays). One staged row per CSV
 * row cost two foreign-key checks, two index entries and a tuple each — 100,000 of each for a
 * 100,000-row file, most of the upload's time; runs of 1,000 make that a hundred. The worker's
 * validation and merge batches (20,000 rows each) are multiples of it.
 */
export const STAGED_ROWS_PER_RUN = 1_000;

/**
 * The transaction-level advisory lock an upload holds on its import until it commits or rolls
 * back: the worker's job, enqueued just before the commit, waits on it for an import it cannot
 * see yet (afterUpload) instead of a fixed delay.
 */
const UPLOAD_LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('imports.upload:' || $1::text, 0))`;

const COPY_TEMP_TABLE = `
  CREATE TEMPORARY TABLE import_copy (row_number integer NOT NULL, cells jsonb NOT NULL)
    ON COMMIT DROP`;

/**
 * imports.imports and its staged rows and row errors: what the api's upload writes and the
 * worker's import job reads and advances. Every method takes the organisation first and filters
 * on organisation_id (row-level security applies too). Listing imports page by page is
 * `repos.imports` (the generic scoped repository).
 */
export class ImportRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /**
   * A new import, status `queued`, no rows yet, locked for the upload's transaction (UPLOAD_LOCK:
   * its job may start before the commit and waits in afterUpload).
   */
  async create(organisationId: OrganisationId, input: ImportInput): Promise<Import> {
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `INSERT INTO imports.imports
         (organisation_id, file_name, file_size, encoding, delimiter, column_mapping,
          pharow_list_name, legal_basis, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
       RETURNING *`,
      [
        organisationId,
        input.fileName,
        input.fileSize,
        input.encoding,
        input.delimiter,
        JSON.stringify(input.columnMapping),
        input.pharowListName ?? null,
        input.legalBasis ?? 'legitimate_interest',
        input.createdBy ?? null,
      ],
    );
    const created = this.#hydrate(rows[0] ?? {});
    await runQuery(this.#manager, UPLOAD_LOCK, [created.id]);
    return created;
  }

  /**
   * The import once its upload's transaction has ended (UPLOAD_LOCK, waited for): what a job
   * that started before the upload committed reads. Null when the upload rolled back, or the
   * import is not this organisation's.
   */
  async afterUpload(organisationId: OrganisationId, importId: string): Promise<Import | null> {
    if (!isUuid(importId)) return null;
    await runQuery(this.#manager, UPLOAD_LOCK, [importId]);
    return this.find(organisationId, importId);
  }

  async find(organisationId: OrganisationId, importId: string): Promise<Import | null> {
    if (!isUuid(importId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      'SELECT * FROM imports.imports WHERE organisation_id = $1 AND id = $2',
      [organisationId, importId],
    );
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  /**
   * The import, locked (FOR NO KEY UPDATE) until the transaction ends: two runs of the same
   * import job take turns, so a batch is never merged twice. Not FOR UPDATE: that one would also
   * wait for every transaction whose positions merely reference the import (their foreign-key
   * check holds FOR KEY SHARE on it) — a batch merging beside this one.
   */
  async lock(organisationId: OrganisationId, importId: string): Promise<Import | null> {
    if (!isUuid(importId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      'SELECT * FROM imports.imports WHERE organisation_id = $1 AND id = $2 FOR NO KEY UPDATE',
      [organisationId, importId],
    );
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  /**
   * Bounds every lock wait of the rest of the transaction (lock_timeout, SQLSTATE 55P03 when
   * exceeded): for a transaction that waits for another one in the application, where
   * PostgreSQL could not see a deadlock between them.
   */
  async limitLockWaits(milliseconds: number): Promise<void> {
    await runQuery(this.#manager, `SELECT set_config('lock_timeout', $1, true)`, [
      `${String(Math.max(1, Math.round(milliseconds)))}ms`,
    ]);
  }

  /**
   * Streams the rows into imports.import_rows with COPY, inside the caller's tenant transaction
   * (the pg client under its query runner), in runs of STAGED_ROWS_PER_RUN rows: COPY FROM
   * refuses tables with row-level security, so the runs land in a transaction-local temporary
   * table first, then one INSERT … SELECT moves them (the policy checks each). Sets rows_total;
   * returns it. The rows are never all in memory: `rows` is consumed as COPY takes them (one
   * run at a time).
   */
  async copyRows(
    organisationId: OrganisationId,
    importId: string,
    rows: AsyncIterable<readonly string[]>,
  ): Promise<number> {
    await runQuery(this.#manager, COPY_TEMP_TABLE, []);
    let count = 0;
    async function* copyText(): AsyncGenerator<string> {
      let chunk = '';
      let run: string[] = [];
      const flush = (): void => {
        // The run's first row number, then its rows as one JSON array of cell arrays.
        chunk += `${count - run.length + 1}\t${copyEscape(`[${run.join(',')}]`)}\n`;
        run = [];
      };
      for await (const cells of rows) {
        count += 1;
        run.push(JSON.stringify(cells.map(stripNul)));
        if (run.length === STAGED_ROWS_PER_RUN) flush();
        if (chunk.length >= COPY_CHUNK_BYTES) {
          yield chunk;
          chunk = '';
        }
      }
      if (run.length > 0) flush();
      if (chunk !== '') yield chunk;
    }
    await copyIn(
      this.#manager,
      'COPY import_copy (row_number, cells) FROM STDIN',
      copyText(),
      'copyRows',
    );
    await runQuery(
      this.#manager,
      `WITH moved AS (
         INSERT INTO imports.import_rows (organisation_id, import_id, row_number, cells)
         SELECT $1, $2, row_number, cells FROM import_copy
       )
       UPDATE imports.imports SET rows_total = $3 WHERE organisation_id = $1 AND id = $2`,
      [organisationId, importId, count],
    );
    await runQuery(this.#manager, 'DROP TABLE import_copy', []);
    return count;
  }

  /**
   * Staged rows after `afterRow`, in order, at most `limit`: the runs that hold rows
   * afterRow + 1 … afterRow + limit (the last run starting at or before afterRow + 1, and
   * every run starting after it up to the end of the range), unpacked. A staged row whose
   * cells are strings (one row per staged row, before runs) is read as that one row.
   */
  async readRows(
    organisationId: OrganisationId,
    importId: string,
    afterRow: number,
    limit: number,
  ): Promise<StagedRow[]> {
    const runs = await runQuery<{ row_number: number; cells: string[][] | string[] }[]>(
      this.#manager,
      `SELECT row_number, cells FROM imports.import_rows
        WHERE organisation_id = $1 AND import_id = $2 AND row_number <= $3::integer + $4
          AND row_number >= coalesce(
            (SELECT max(row_number) FROM imports.import_rows
              WHERE organisation_id = $1 AND import_id = $2 AND row_number <= $3::integer + 1), 1)
        ORDER BY row_number`,
      [organisationId, importId, afterRow, limit],
    );
    const staged: StagedRow[] = [];
    for (const run of runs) {
      const rows = isRun(run.cells) ? run.cells : [run.cells];
      rows.forEach((cells, index) => {
        const rowNumber = run.row_number + index;
        if (rowNumber > afterRow && rowNumber <= afterRow + limit)
          staged.push({ rowNumber, cells });
      });
    }
    return staged;
  }

  /**
   * Records the validation of rows up to `throughRow`: their errors, how many rows were refused,
   * and the progress (rows_validated), in one statement.
   */
  async recordValidation(
    organisationId: OrganisationId,
    importId: string,
    throughRow: number,
    rejectedRows: number,
    errors: readonly ImportRowErrorRecord[],
  ): Promise<void> {
    await runQuery(
      this.#manager,
      `WITH recorded AS (
         INSERT INTO imports.import_row_errors (organisation_id, import_id, row_number, column_name, value, reason)
         SELECT $1, $2, row_number, left(column_name, 300), left(value, 2000), left(reason, 500)
           FROM unnest($5::integer[], $6::text[], $7::text[], $8::text[])
             AS e(row_number, column_name, value, reason)
       )
       UPDATE imports.imports
          SET rows_validated = $3, rows_rejected = rows_rejected + $4
        WHERE organisation_id = $1 AND id = $2`,
      [
        organisationId,
        importId,
        throughRow,
        rejectedRows,
        errors.map((e) => e.rowNumber),
        errors.map((e) => e.column),
        errors.map((e) => stripNul(e.value)),
        errors.map((e) => e.reason),
      ],
    );
  }

  /**
   * Moves the import to `status` (`validating` and `merging` set started_at once; `completed`
   * and `failed` set finished_at). `failed` needs an error message.
   */
  async setStatus(
    organisationId: OrganisationId,
    importId: string,
    status: ImportStatus,
    error: string | null = null,
  ): Promise<void> {
    if (!IMPORT_STATUSES.includes(status)) {
      throw new InvalidInputError(
        'invalid_value',
        'imports',
        'status',
        `status must be one of ${IMPORT_STATUSES.join(', ')}`,
      );
    }
    await runQuery(
      this.#manager,
      `UPDATE imports.imports
          SET status = $3, error = $4,
              started_at = CASE WHEN $3 IN ('validating', 'merging') THEN coalesce(started_at, now()) ELSE started_at END,
              finished_at = CASE WHEN $3 IN ('completed', 'failed') THEN now() ELSE finished_at END
        WHERE organisation_id = $1 AND id = $2`,
      [organisationId, importId, status, error === null ? null : error.slice(0, 2000)],
    );
  }

  /** Deletes the staged rows (personal data) once the import is over; returns how many. */
  async deleteRows(organisationId: OrganisationId, importId: string): Promise<void> {
    await runQuery(
      this.#manager,
      'DELETE FROM imports.import_rows WHERE organisation_id = $1 AND import_id = $2',
      [organisationId, importId],
    );
  }

  /** Row errors after `after` (keyset on row_number, id), in row order, at most `limit`. */
  async errors(
    organisationId: OrganisationId,
    importId: string,
    after: ImportErrorCursor | null,
    limit: number,
  ): Promise<(ImportRowErrorRecord & { id: string })[]> {
    const rows = await runQuery<
      { id: string; row_number: number; column_name: string; value: string; reason: string }[]
    >(
      this.#manager,
      `SELECT id, row_number, column_name, value, reason FROM imports.import_row_errors
        WHERE organisation_id = $1 AND import_id = $2
          AND ($3::integer IS NULL OR (row_number, id) > ($3, $4::uuid))
        ORDER BY row_number, id LIMIT $5`,
      [organisationId, importId, after?.rowNumber ?? null, after?.id ?? null, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      rowNumber: row.row_number,
      column: row.column_name,
      value: row.value,
      reason: row.reason,
    }));
  }

  #hydrate(row: Record<string, unknown>): Import {
    const metadata = this.#manager.dataSource.getMetadata(Import);
    // hydrate() builds the entity through metadata.create(), as TypeORM does for query results.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    return hydrate(this.#manager, metadata, row) as Import;
  }
}

/** COPY text format: a backslash is an escape, so it is doubled (JSON has no raw newline/tab). */
function copyEscape(json: string): string {
  return json.replace(/\\/g, '\\\\');
}

/** A staged run (an array of cell arrays) rather than one row's cells. */
function isRun(cells: string[][] | string[]): cells is string[][] {
  return Array.isArray(cells[0]);
}

/** jsonb and text refuse U+0000. */
function stripNul(value: string): string {
  return value.includes('\u0000') ? value.split('\u0000').join('') : value;
}
