import type pg from 'pg';
import type { ColumnShape, TableShape } from './schema-shape.js';

interface ColumnRow {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

interface ConstraintRow {
  table: string;
  kind: 'p' | 'f' | 'c';
  columns: string[];
  referenced_table: string | null;
  referenced_columns: string[] | null;
  definition: string;
}

const MAX_LENGTH = /char_length\(\(?(\w+)\)?(?:::text)?\) <= (\d+)/g;
const ENUM_CHECK = /^CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\)$/;

/** The tables of the given schemas as the migrated database's catalog describes them. */
export async function catalogShapes(
  client: pg.ClientBase,
  schemas: string[],
): Promise<TableShape[]> {
  const columns = await client.query<ColumnRow>(
    `SELECT n.nspname || '.' || c.relname AS table, a.attname AS column,
            regexp_replace(format_type(a.atttypid, a.atttypmod), '^public\\.', '') AS type,
            NOT a.attnotnull AS nullable
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm')
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY 1, a.attnum`,
    [schemas],
  );
  const constraints = await client.query<ConstraintRow>(
    `SELECT n.nspname || '.' || c.relname AS table, con.contype AS kind,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
                   ORDER BY k.ord) AS columns,
            fn.nspname || '.' || fc.relname AS referenced_table,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
                   ORDER BY k.ord) AS referenced_columns,
            pg_get_constraintdef(con.oid) AS definition
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class fc ON fc.oid = con.confrelid
       LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
      WHERE n.nspname = ANY($1) AND con.contype IN ('p', 'f', 'c')
      ORDER BY con.conname`,
    [schemas],
  );
  const tables = new Map<string, TableShape>();
  const columnsOf = new Map<string, Map<string, ColumnShape>>();
  for (const row of columns.rows) {
    let table = tables.get(row.table);
    if (!table) {
      table = { table: row.table, columns: [], primaryKey: [], foreignKeys: [] };
      tables.set(row.table, table);
      columnsOf.set(row.table, new Map());
    }
    const column: ColumnShape = { name: row.column, type: row.type, nullable: row.nullable };
    table.columns.push(column);
    columnsOf.get(row.table)?.set(row.column, column);
  }
  for (const row of constraints.rows) {
    const table = tables.get(row.table);
    if (!table) continue;
    if (row.kind === 'p') table.primaryKey = row.columns;
    if (row.kind === 'f') {
      table.foreignKeys.push({
        columns: row.columns,
        referencedTable: row.referenced_table ?? '?',
        referencedColumns: row.referenced_columns ?? [],
      });
    }
    if (row.kind === 'c') {
      const byName = columnsOf.get(row.table);
      for (const match of row.definition.matchAll(MAX_LENGTH)) {
        const column = byName?.get(match[1] ?? '');
        if (column) column.maxLength = Number(match[2]);
      }
      const enumMatch = ENUM_CHECK.exec(row.definition);
      const column = enumMatch ? byName?.get(enumMatch[1] ?? '') : undefined;
      if (enumMatch && column) {
        column.enumValues = [...(enumMatch[2] ?? '').matchAll(/'((?:[^']|'')*)'::text/g)]
          .map((value) => (value[1] ?? '').replaceAll("''", "'"))
          .sort();
      }
    }
  }
  return [...tables.values()];
}
