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
