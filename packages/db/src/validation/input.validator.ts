import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { EntityMetadata } from 'typeorm';
import { maxLengthOf } from '../columns.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { isUuid } from '../organisation-id.js';

const INTEGER_TYPES = new Set(['smallint', 'integer', 'int', 'int2', 'int4']);
const BIGINT_TYPES = new Set(['bigint', 'int8']);
const DATE_TYPES = new Set(['timestamptz', 'timestamp with time zone', 'timestamp', 'date']);
const TEXT_TYPES = new Set(['text', 'citext', 'varchar', 'character varying', 'char']);
const INT_RANGE: Record<string, [number, number]> = {
  smallint: [-32768, 32767],
  int2: [-32768, 32767],
};

/** Length as PostgreSQL's char_length counts it (code points, not UTF-16 units). */
function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

function fail(
  metadata: EntityMetadata,
  column: ColumnMetadata,
  kind: 'invalid_value' | 'not_allowed' | 'too_long' | 'required',
  reason: string,
): never {
  throw new InvalidInputError(
    kind,
    metadata.tableName,
    column.databaseName,
    `${metadata.tableName}.${column.databaseName} ${reason}`,
  );
}

/**
 * Checks one value against what the column accepts before it reaches PostgreSQL, so the
 * error names the field: UUIDs, CHECK-listed values (the entity's `enum`), maximum lengths,
 * integer ranges, dates. The database's own constraints remain the last word.
 */
export function validateColumnValue(
  metadata: EntityMetadata,
  column: ColumnMetadata,
  value: unknown,
): void {
  if (value === undefined) return;
  if (value === null) {
    if (!column.isNullable) fail(metadata, column, 'required', 'cannot be null');
    return;
  }
  const type = String(column.type);
  if (column.isArray) {
    if (!Array.isArray(value)) fail(metadata, column, 'invalid_value', 'must be an array');
    for (const item of value as unknown[]) {
      if (item === null) fail(metadata, column, 'invalid_value', 'must not contain null');
      validateScalar(metadata, column, type, item);
    }
    return;
  }
  validateScalar(metadata, column, type, value);
}

function validateScalar(
  metadata: EntityMetadata,
  column: ColumnMetadata,
  type: string,
  value: unknown,
): void {
  if (column.enum) {
    if (!column.enum.includes(value as string)) {
      fail(
        metadata,
        column,
        'not_allowed',
        `must be one of ${column.enum.join(', ')}; got ${JSON.stringify(value)}`,
      );
    }
    return;
  }
  if (type === 'uuid') {
    if (!isUuid(value))
      fail(metadata, column, 'invalid_value', `must be a UUID; got ${JSON.stringify(value)}`);
    return;
  }
  if (TEXT_TYPES.has(type)) {
    if (typeof value !== 'string') fail(metadata, column, 'invalid_value', 'must be a string');
    const max =
      maxLengthOf(metadata.target, column.propertyName) ??
      (column.length ? Number(column.length) : undefined);
    if (max !== undefined && codePoints(value) > max) {
      fail(
        metadata,
        column,
        'too_long',
        `must be at most ${max} characters; got ${codePoints(value)}`,
      );
    }
    return;
  }
  if (INTEGER_TYPES.has(type)) {
    const [min, maxInt] = INT_RANGE[type] ?? [-2147483648, 2147483647];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > maxInt) {
      fail(metadata, column, 'invalid_value', `must be an integer between ${min} and ${maxInt}`);
    }
    return;
  }
  if (BIGINT_TYPES.has(type)) {
    if (
      !(typeof value === 'string' && /^-?\d{1,19}$/.test(value)) &&
      !(typeof value === 'number' && Number.isSafeInteger(value))
    ) {
      fail(metadata, column, 'invalid_value', 'must be an integer (string for values beyond 2^53)');
    }
    return;
  }
  if (type === 'numeric' || type === 'decimal') {
    if (
      !(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) &&
      !(typeof value === 'number' && Number.isFinite(value))
    ) {
      fail(metadata, column, 'invalid_value', 'must be a decimal number');
    }
    return;
  }
  if (DATE_TYPES.has(type)) {
    // A `date` column maps to a `YYYY-MM-DD` string (e.g. mailboxes.warmup_started_on).
    if (type === 'date' && typeof value === 'string' && isCalendarDate(value)) return;
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      fail(metadata, column, 'invalid_value', 'must be a valid Date');
    }
    return;
  }
  if (type === 'time') {
    if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(value)) {
      fail(metadata, column, 'invalid_value', 'must be a time HH:MM or HH:MM:SS');
    }
    return;
  }
  if (type === 'boolean' && typeof value !== 'boolean') {
    fail(metadata, column, 'invalid_value', 'must be true or false');
  }
}

/**
 * Validates an input object property by property; unknown properties are refused (they would
 * otherwise be dropped silently).
 */
export function validateInput(
  metadata: EntityMetadata,
  input: Record<string, unknown>,
): Array<[ColumnMetadata, unknown]> {
  const pairs: Array<[ColumnMetadata, unknown]> = [];
  for (const [property, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const column = metadata.findColumnWithPropertyName(property);
    if (!column || column.propertyName !== property) {
      throw new InvalidInputError(
        'not_allowed',
        metadata.tableName,
        property,
        `${metadata.tableName} has no writable field ${property}`,
      );
    }
    validateColumnValue(metadata, column, value);
    pairs.push([column, value]);
  }
  return pairs;
}

/** `YYYY-MM-DD` naming a real day. */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value);
}
