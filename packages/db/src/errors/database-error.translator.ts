import { QueryFailedError } from 'typeorm';
import { InvalidInputError } from './invalid-input.error.js';

interface PgErrorFields {
  code?: string;
  table?: string;
  column?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

function pgFields(error: unknown): PgErrorFields | undefined {
  const source: unknown = error instanceof QueryFailedError ? error.driverError : error;
  if (typeof source !== 'object' || source === null || !('code' in source)) return undefined;
  return source as PgErrorFields;
}

/** `companies_siren_check` on table `companies` → `siren`; PostgreSQL's default naming. */
function fieldFromConstraint(
  table: string | undefined,
  constraint: string | undefined,
): string | undefined {
  if (!table || !constraint) return undefined;
  const match = new RegExp(`^${table}_(.+?)_(check|key|fkey)$`).exec(constraint);
  return match?.[1];
}

/** `Key (organisation_id, slug)=(…) already exists.` → `organisation_id, slug`. */
function fieldsFromDetail(detail: string | undefined): string | undefined {
  return detail ? /^Key \(([^)]+)\)/.exec(detail)?.[1] : undefined;
}

/**
 * Turns a PostgreSQL error about bad input (22P02, 22001, 23502, 23503, 23505, 23514) into an
 * InvalidInputError naming the table and field or constraint. Anything else is returned as is:
 * it is a bug or an outage, not the caller's input.
 */
export function translateDatabaseError(error: unknown): unknown {
  const pg = pgFields(error);
  if (!pg) return error;
  const { table, constraint } = pg;
  const where = table ? ` on ${table}` : '';
  switch (pg.code) {
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return new InvalidInputError(
        'invalid_value',
        table,
        pg.column,
        `${pg.message ?? 'invalid value'}${where}`,
        undefined,
        { cause: error },
      );
    case '22001':
      return new InvalidInputError(
        'too_long',
        table,
        pg.column,
        `${pg.message ?? 'value too long'}${where}`,
        undefined,
        { cause: error },
      );
    case '23502':
      return new InvalidInputError(
        'required',
        table,
        pg.column,
        `${pg.column ?? 'a column'} is required${where}`,
        undefined,
        { cause: error },
      );
    case '23514': {
      const field = fieldFromConstraint(table, constraint);
      return new InvalidInputError(
        'check_violation',
        table,
        field,
        `${field ?? 'a value'} is not allowed${where} (constraint ${constraint ?? 'unknown'})`,
        constraint,
        { cause: error },
      );
    }
    case '23505': {
      const field = fieldsFromDetail(pg.detail) ?? fieldFromConstraint(table, constraint);
      return new InvalidInputError(
        'unique_violation',
        table,
        field,
        `${field ?? 'a value'} already exists${where} (constraint ${constraint ?? 'unknown'})`,
        constraint,
        { cause: error },
      );
    }
    case '23503': {
      const field = fieldsFromDetail(pg.detail) ?? fieldFromConstraint(table, constraint);
      return new InvalidInputError(
        'foreign_key_violation',
        table,
        field,
        `${field ?? 'a reference'} points to a row that does not exist in this organisation, or is still referenced${where} (constraint ${constraint ?? 'unknown'})`,
        constraint,
        { cause: error },
      );
    }
    default:
      return error;
  }
}

/**
 * The PostgreSQL error code (SQLSTATE) of `error`, or of the error it was translated from (its
 * `cause`, followed a few levels down); undefined when no PostgreSQL error is behind it.
 */
export function databaseErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const code = pgFields(current)?.code;
    if (typeof code === 'string') return code;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}
