import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import {
  normaliseSuppressionValue,
  type Page,
  type SuppressionKind,
  type SuppressionReason,
} from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import type { Readable } from 'node:stream';
import type { AddSuppressionDto } from './dto/add-suppression.dto.js';
import type { ListSuppressionsQuery } from './dto/list-suppressions.query.js';
import { readSuppressionCsv } from './suppression-csv.reader.js';
import { MAX_SUPPRESSION_CSV_BYTES } from './suppression-upload.limits.js';
import type { SuppressionImportView } from './suppression-import.view.js';
import { suppressionView, type SuppressionView } from './suppression.view.js';

/**
 * The organisation's suppression list: never send again to an address or a whole domain.
 * Values are normalised (trimmed, lower-case domains) before they reach the database; a
 * duplicate single add is a 409 naming the existing entry; a CSV upload adds set-based, in the
 * request's one transaction (a failure adds nothing).
 */
@Injectable()
export class SuppressionsService {
  constructor(private readonly database: TenantDatabase) {}

  async add(body: AddSuppressionDto): Promise<SuppressionView> {
    const organisationId = this.database.organisationId();
    const { kind, value } = this.entryOf(body);
    const list = this.database.repositories().suppressionList;
    const reason = body.reason ?? 'manual';
    const added = await list.add(organisationId, { kind, value, reason, note: body.note ?? null });
    if (added) return suppressionView(added);
    const existing = await list.findByValue(organisationId, kind, value);
    throw new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      message: `${kind} ${existing?.value ?? value} is already suppressed (entry ${existing?.id ?? 'unknown'}, reason ${existing?.reason ?? 'unknown'}, since ${existing?.createdAt.toISOString() ?? 'unknown'})`,
      ...(existing ? { existing: suppressionView(existing) } : {}),
    });
  }

  async list(query: ListSuppressionsQuery): Promise<Page<SuppressionView>> {
    const { cursor, limit, direction, sort, kind, reason, value } = query;
    const page = await this.database
      .repositories()
      .suppressions.list(this.database.organisationId(), {
        cursor,
        limit,
        direction,
        sort: sort ?? 'createdAt',
        filters: {
          ...(kind ? { kind } : {}),
          ...(reason ? { reason } : {}),
          ...(value ? { value: value.trim() } : {}),
        },
      });
    return { items: page.items.map(suppressionView), nextCursor: page.nextCursor };
  }

  async remove(id: string): Promise<void> {
    const removed = await this.database
      .repositories()
      .suppressions.delete(this.database.organisationId(), id);
    if (!removed) throw new NotFoundException('suppression not found');
  }

  /**
   * `file` is the upload's stream; `truncated` turns true when it hit the size limit, which is
   * checked after reading and before anything is written.
   */
  async import(
    file: Readable & { truncated?: boolean },
    reason: SuppressionReason = 'manual',
    note: string | null = null,
  ): Promise<SuppressionImportView> {
    const csv = await readSuppressionCsv(file);
    if (file.truncated) {
      throw new PayloadTooLargeException(
        `the file is larger than ${MAX_SUPPRESSION_CSV_BYTES / 1_048_576} MB: split it into several uploads`,
      );
    }
    const added = await this.database.repositories().suppressionList.addMany(
      this.database.organisationId(),
      csv.entries.map((entry) => ({ ...entry, reason, note })),
    );
    return {
      added,
      alreadySuppressed: csv.entries.length - added + csv.repeated,
      invalidCount: csv.invalidCount,
      invalid: csv.invalid,
    };
  }

  private entryOf(body: AddSuppressionDto): { kind: SuppressionKind; value: string } {
    const given = (['email', 'domain'] as const).filter((kind) => body[kind] !== undefined);
    if (given.length !== 1) {
      throw fieldError(
        given.length === 0 ? 'email' : 'domain',
        'give exactly one of email (an address) or domain (a whole domain)',
      );
    }
    const kind = given[0] as SuppressionKind;
    const normalised = normaliseSuppressionValue(kind, body[kind] ?? '');
    if (!normalised.ok) throw fieldError(kind, normalised.reason);
    return { kind, value: normalised.value };
  }
}

function fieldError(field: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `Invalid request: ${field}: ${message}`,
    errors: [{ field, messages: [message] }],
  });
}
