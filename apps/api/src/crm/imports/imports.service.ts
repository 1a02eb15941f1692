import {
  BadRequestException,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Import, Page } from '@outreach/db';
import { importsQueue, JobProducer, JobQueueUnavailableError } from '@outreach/jobs';
import {
  csvLine,
  isPharowField,
  mapHeaders,
  PHAROW_FIELDS,
  PHAROW_HEADER_ALIASES,
  type ColumnOverride,
  type PharowField,
} from '@outreach/pharow';
import { getTenantContext, TenantDatabase } from '@outreach/tenancy';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import type { ListImportsQuery } from './dto/list-imports.query.js';
import type { UploadImportQuery } from './dto/upload-import.query.js';
import { openImportCsv } from './import-csv.reader.js';
import { tooLarge } from './import-upload.limits.js';
import { importView, type ImportView } from './import.view.js';

/** Row errors read per query while errors.csv streams. */
const ERROR_PAGE_ROWS = 1_000;
const DELIMITER_NAMES = { ';': 'semicolon', ',': 'comma', '\t': 'tab' } as const;

/**
 * Prospect imports: the upload streams the CSV into staging (COPY) inside the request's tenant
 * transaction and enqueues the worker's `process-import` job; progress, list and the error
 * report read what the worker records.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly jobs: JobProducer,
  ) {}

  /**
   * Reads the header (400 listing missing required columns), COPYs every row into staging as
   * the file streams in, then enqueues the job (`jobId` = the import id). A failure at any point
   * (413 over the size limit, 400 for a broken file, 503 when the queue is down) throws, so the
   * request's transaction rolls back and nothing is left behind.
   */
  async upload(
    file: Readable & { truncated?: boolean },
    fileName: string,
    query: UploadImportQuery,
  ): Promise<ImportView> {
    const override = parseOverride(query.mapping);
    const csv = await openImportCsv(file);
    const mapping = mapHeaders(csv.header, override);
    if (mapping.missing.length > 0) {
      throw new BadRequestException(
        `the file lacks required columns: ${mapping.missing
          .map((field) => `${field} (e.g. "${PHAROW_HEADER_ALIASES[field][0] ?? field}")`)
          .join(', ')}; rename the headers or send a mapping`,
      );
    }
    const organisationId = this.database.organisationId();
    const repositories = this.database.repositories();
    const created = await repositories.importJobs.create(organisationId, {
      fileName,
      fileSize: 0,
      encoding: csv.format.encoding,
      delimiter: DELIMITER_NAMES[csv.format.delimiter],
      columnMapping: {
        headers: mapping.headers,
        fields: mapping.fields,
        unknown: mapping.unknown,
        override: { ...override },
      },
      pharowListName: query.listName ?? null,
      legalBasis: query.legalBasis ?? 'legitimate_interest',
      createdBy: getTenantContext().userId,
    });
    const rowsTotal = await repositories.importJobs.copyRows(organisationId, created.id, csv.rows);
    if (file.truncated) throw tooLarge();
    if (rowsTotal === 0) {
      throw new BadRequestException('the file has a header line but no data rows');
    }
    const updated = await repositories.imports.update(organisationId, created.id, {
      fileSize: csv.bytesRead(),
    });
    if (!updated) throw new NotFoundException('import not found');
    try {
      await this.jobs.enqueue(
        importsQueue,
        'process-import',
        { organisationId, importId: created.id },
        // No delay: a job that starts before this transaction commits waits for it on the
        // import's upload lock (ImportRepository.afterUpload).
        { jobId: created.id },
      );
    } catch (error) {
      if (error instanceof JobQueueUnavailableError) {
        throw new ServiceUnavailableException(
          'the job queue is unavailable: retry the upload later',
        );
      }
      throw error;
    }
    return importView(updated);
  }

  async get(importId: string): Promise<ImportView> {
    return importView(await this.find(importId));
  }

  async list(query: ListImportsQuery): Promise<Page<ImportView>> {
    const { cursor, limit, direction, sort, status } = query;
    const page = await this.database.repositories().imports.list(this.database.organisationId(), {
      ...(cursor ? { cursor } : {}),
      ...(limit ? { limit } : {}),
      ...(direction ? { direction } : {}),
      ...(sort ? { sort } : {}),
      filters: status ? { status } : {},
    });
    return { items: page.items.map(importView), nextCursor: page.nextCursor };
  }

  /** 404 unless the import is this organisation's (row-level security hides the others). */
  async find(importId: string): Promise<Import> {
    const found = await this.database
      .repositories()
      .importJobs.find(this.database.organisationId(), importId);
    if (!found) throw new NotFoundException('import not found');
    return found;
  }

  /**
   * Writes the refused rows as CSV (`row,column,value,reason`), page by page inside the
   * request's transaction, waiting for the client to drain each page. Cells are neutralised
   * against spreadsheet formula injection.
   */
  async writeErrorsCsv(importId: string, out: Writable): Promise<void> {
    const organisationId = this.database.organisationId();
    const repositories = this.database.repositories();
    const write = async (chunk: string): Promise<void> => {
      if (!out.write(chunk)) await once(out, 'drain');
    };
    await write(`\uFEFF${csvLine(['row', 'column', 'value', 'reason'])}`);
    let after: { rowNumber: number; id: string } | null = null;
    for (;;) {
      const page = await repositories.importJobs.errors(
        organisationId,
        importId,
        after,
        ERROR_PAGE_ROWS,
      );
      if (page.length > 0) {
        await write(
          page.map((e) => csvLine([String(e.rowNumber), e.column, e.value, e.reason])).join(''),
        );
      }
      const last = page.at(-1);
      if (!last || page.length < ERROR_PAGE_ROWS) break;
      after = { rowNumber: last.rowNumber, id: last.id };
    }
    out.end();
  }
}

/** The `mapping` query parameter: JSON `{ "<header>": "<field>" | null }`. */
function parseOverride(raw: string | undefined): ColumnOverride {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw) as unknown;
  } catch {
    throw new BadRequestException(
      'mapping must be JSON: {"<header as written>": "<field>" | null}',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestException(
      'mapping must be a JSON object: {"<header as written>": "<field>" | null}',
    );
  }
  const override: Record<string, PharowField | null> = {};
  const wrong: string[] = [];
  for (const [header, field] of Object.entries(parsed as Record<string, unknown>)) {
    if (field === null || isPharowField(field)) override[header] = field;
    else wrong.push(header);
  }
  if (wrong.length > 0) {
    throw new BadRequestException(
      `mapping: unknown field for ${wrong.map((h) => `"${h}"`).join(', ')}; fields are ${PHAROW_FIELDS.join(', ')} (or null to ignore a column)`,
    );
  }
  return override;
}
