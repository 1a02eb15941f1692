import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { EntityManager, EntityMetadata, ObjectLiteral } from 'typeorm';
import { translateDatabaseError } from '../errors/database-error.translator.js';

/** `"crm"."companies"` */
export function qualifiedTable(metadata: EntityMetadata): string {
  const table = `"${metadata.tableName}"`;
  return metadata.schema ? `"${metadata.schema}".${table}` : table;
}

export function quoted(column: ColumnMetadata): string {
  return `"${column.databaseName}"`;
}

/** SQL type to cast a text parameter to, for comparisons with the column. */
export function castType(column: ColumnMetadata): string {
  return String(column.type);
}

/** Builds an entity from a raw row (column names) the way TypeORM hydrates query results. */
export function hydrate(
  manager: EntityManager,
  metadata: EntityMetadata,
  row: Record<string, unknown>,
): ObjectLiteral {
  const entity = metadata.create() as ObjectLiteral;
  const driver = manager.dataSource.driver;
  for (const column of metadata.columns) {
    if (!(column.databaseName in row)) continue;
    column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
  }
  return entity;
}

/** hydrate() typed as the entity class it builds (through its metadata, like TypeORM). */
export function hydrateAs<E extends ObjectLiteral>(
  manager: EntityManager,
  entity: new () => E,
  row: Record<string, unknown>,
): E {
  return hydrate(manager, manager.dataSource.getMetadata(entity), row) as E;
}

export function persistentValue(
  manager: EntityManager,
  column: ColumnMetadata,
  value: unknown,
): unknown {
  return manager.dataSource.driver.preparePersistentValue(value, column);
}

/** Runs SQL through the (transaction-bound) manager; bad-input errors become InvalidInputError. */
export async function runQuery<T>(
  manager: EntityManager,
  sql: string,
  parameters: readonly unknown[],
): Promise<T> {
  try {
    const result: T = await manager.query(sql, [...parameters]);
    return result;
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

/**
 * Streams `text` (COPY text format: chunks as they come, consumed as COPY takes them) through
 * `copySql` (`COPY … FROM STDIN`) on the connection of the manager's transaction; `caller` names
 * the method in the error thrown outside a transaction. Database errors are translated.
 */
export async function copyIn(
  manager: EntityManager,
  copySql: string,
  text: Iterable<string> | AsyncIterable<string>,
  caller: string,
): Promise<void> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error(`${caller} runs inside a tenant transaction`);
  const client = (await runner.connect()) as pg.PoolClient;
  try {
    await pipeline(Readable.from(text), client.query(copyFrom(copySql)));
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

export type ColumnValues = Array<[ColumnMetadata, unknown]>;

function whereClause(manager: EntityManager, where: ColumnValues, values: unknown[]): string {
  return where
    .map(([column, value]) => {
      values.push(persistentValue(manager, column, value));
      return `${quoted(column)} = $${values.length}`;
    })
    .join(' AND ');
}

/** `SELECT * … WHERE a = $1 AND b = $2`: the row (hydrated) or null. */
export async function findRow<E extends ObjectLiteral>(
  manager: EntityManager,
  entity: new () => E,
  where: ColumnValues,
): Promise<E | null> {
  const metadata = manager.dataSource.getMetadata(entity);
  const values: unknown[] = [];
  const sql = `SELECT * FROM ${qualifiedTable(metadata)} WHERE ${whereClause(manager, where, values)}`;
  const rows = await runQuery<Record<string, unknown>[]>(manager, sql, values);
  return rows[0] ? (hydrate(manager, metadata, rows[0]) as E) : null;
}

/** `INSERT … RETURNING *`: the row as stored (defaults and triggers applied). */
export async function insertRow<E extends ObjectLiteral>(
  manager: EntityManager,
  entity: new () => E,
  columns: ColumnValues,
): Promise<E> {
  const metadata = manager.dataSource.getMetadata(entity);
  const values = columns.map(([column, value]) => persistentValue(manager, column, value));
  const sql = `INSERT INTO ${qualifiedTable(metadata)} (${columns.map(([column]) => quoted(column)).join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`;
  const rows = await runQuery<Record<string, unknown>[]>(manager, sql, values);
  return hydrate(manager, metadata, rows[0] ?? {}) as E;
}

/**
 * `INSERT … ON CONFLICT (key) DO UPDATE SET key = key RETURNING *`: the new row, or the row that
 * already had this key, unchanged (the no-op update makes RETURNING report it). One statement,
 * so concurrent callers cannot both insert.
 */
export async function insertOrGetRow<E extends ObjectLiteral>(
  manager: EntityManager,
  entity: new () => E,
  columns: ColumnValues,
  key: ColumnMetadata,
): Promise<E> {
  const metadata = manager.dataSource.getMetadata(entity);
  const table = qualifiedTable(metadata);
  const values = columns.map(([column, value]) => persistentValue(manager, column, value));
  const sql = `INSERT INTO ${table} (${columns.map(([column]) => quoted(column)).join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (${quoted(key)}) DO UPDATE SET ${quoted(key)} = ${table}.${quoted(key)} RETURNING *`;
  const rows = await runQuery<Record<string, unknown>[]>(manager, sql, values);
  return hydrate(manager, metadata, rows[0] ?? {}) as E;
}

/** `UPDATE … SET … WHERE … RETURNING *`: the updated row or null when none matched. */
export async function updateRow<E extends ObjectLiteral>(
  manager: EntityManager,
  entity: new () => E,
  where: ColumnValues,
  changes: ColumnValues,
): Promise<E | null> {
  if (changes.length === 0) return findRow(manager, entity, where);
  const metadata = manager.dataSource.getMetadata(entity);
  const values: unknown[] = [];
  const assignments = changes.map(([column, value]) => {
    values.push(persistentValue(manager, column, value));
    return `${quoted(column)} = $${values.length}`;
  });
  const sql = `UPDATE ${qualifiedTable(metadata)} SET ${assignments.join(', ')} WHERE ${whereClause(manager, where, values)} RETURNING *`;
  const result = await runQuery<[Record<string, unknown>[], number]>(manager, sql, values);
  const row = result[0][0];
  return row ? (hydrate(manager, metadata, row) as E) : null;
}

/** `DELETE … WHERE …`: whether a row was deleted. */
export async function deleteRow(
  manager: EntityManager,
  entity: new () => unknown,
  where: ColumnValues,
): Promise<boolean> {
  const metadata = manager.dataSource.getMetadata(entity);
  const values: unknown[] = [];
  const sql = `DELETE FROM ${qualifiedTable(metadata)} WHERE ${whereClause(manager, where, values)}`;
  const result = await runQuery<[unknown[], number]>(manager, sql, values);
  return result[1] > 0;
}
