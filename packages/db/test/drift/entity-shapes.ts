import type { DataSource } from 'typeorm';
import { maxLengthOf } from '../../src/columns.js';
import type { TableShape } from './schema-shape.js';

const TYPE_ALIASES: Record<string, string> = {
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  time: 'time without time zone',
  int: 'integer',
  int4: 'integer',
  int2: 'smallint',
  int8: 'bigint',
  bool: 'boolean',
  varchar: 'character varying',
  decimal: 'numeric',
};

/** The tables as the TypeORM metadata describes them. */
export function entityShapes(dataSource: DataSource): TableShape[] {
  return dataSource.entityMetadatas.map((metadata) => ({
    table: `${metadata.schema ?? 'public'}.${metadata.tableName}`,
    columns: metadata.columns.map((column) => {
      const raw = String(column.type);
      let type = TYPE_ALIASES[raw] ?? raw;
      if (type === 'numeric' && column.precision != null) {
        type = `numeric(${column.precision},${column.scale ?? 0})`;
      }
      if (type === 'character varying' && column.length)
        type = `character varying(${column.length})`;
      if (column.isArray) type = `${type}[]`;
      return {
        name: column.databaseName,
        type,
        nullable: column.isNullable,
        maxLength: maxLengthOf(metadata.target, column.propertyName),
        enumValues: column.enum ? column.enum.map(String).sort() : undefined,
      };
    }),
    primaryKey: metadata.primaryColumns.map((column) => column.databaseName),
    foreignKeys: metadata.foreignKeys.map((fk) => ({
      columns: fk.columnNames,
      referencedTable: fk.referencedTablePath,
      referencedColumns: fk.referencedColumnNames,
    })),
  }));
}
