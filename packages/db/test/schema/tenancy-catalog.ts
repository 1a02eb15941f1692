import type pg from 'pg';

export interface TableInfo {
  schema: string;
  table: string;
  columns: string[];
  primaryKey: string[];
}

export interface ForeignKeyInfo {
  schema: string;
  table: string;
  name: string;
  columns: string[];
  referencedSchema: string;
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
}

export interface IndexInfo {
  schema: string;
  table: string;
  name: string;
  unique: boolean;
  partial: boolean;
  /** Key columns in order; an expression appears as its SQL text. */
  keys: string[];
}

/** Tables (relkind r/p) of the given schemas with their columns and primary key. */
export async function tables(client: pg.Client, schemas: readonly string[]): Promise<TableInfo[]> {
  const result = await client.query<TableInfo>(
    `SELECT n.nspname AS schema, c.relname AS table,
            array(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum) AS columns,
            coalesce(array(SELECT a.attname::text
                             FROM pg_constraint p
                             CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY AS k(attnum, ord)
                             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                            WHERE p.conrelid = c.oid AND p.contype = 'p'
                            ORDER BY k.ord), '{}') AS "primaryKey"
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p')
      ORDER BY 1, 2`,
    [schemas],
  );
  return result.rows;
}

/** Foreign keys declared on tables of the given schemas. */
export async function foreignKeys(
  client: pg.Client,
  schemas: readonly string[],
): Promise<ForeignKeyInfo[]> {
  const result = await client.query<ForeignKeyInfo>(
    `SELECT n.nspname AS schema, c.relname AS table, con.conname AS name,
            array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS columns,
            rn.nspname AS "referencedSchema", rc.relname AS "referencedTable",
            array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS "referencedColumns",
            con.confdeltype AS "onDelete"
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.contype = 'f' AND n.nspname = ANY($1)
      ORDER BY 1, 2, 3`,
    [schemas],
  );
  return result.rows;
}

/** Every index (including those behind primary keys and unique constraints). */
export async function indexes(client: pg.Client, schemas: readonly string[]): Promise<IndexInfo[]> {
  const result = await client.query<IndexInfo>(
    `SELECT n.nspname AS schema, c.relname AS table, ic.relname AS name,
            i.indisunique AS unique, i.indpred IS NOT NULL AS partial,
            array(SELECT pg_get_indexdef(i.indexrelid, k, true)
                    FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) AS keys
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE n.nspname = ANY($1)
      ORDER BY 1, 2, 3`,
    [schemas],
  );
  return result.rows;
}

/** True when some index can serve the lookups a foreign key makes on its referencing table. */
export function foreignKeyHasIndex(fk: ForeignKeyInfo, all: readonly IndexInfo[]): boolean {
  const fkColumns = new Set(fk.columns);
  return all.some((index) => {
    if (index.schema !== fk.schema || index.table !== fk.table || index.partial) return false;
    const leading = index.keys.slice(0, fk.columns.length);
    // The index starts with exactly the foreign key's columns (any order) ...
    if (leading.length === fkColumns.size && leading.every((key) => fkColumns.has(key)))
      return true;
    // ... or is unique on a subset of them (at most one referencing row per lookup).
    return index.unique && index.keys.every((key) => fkColumns.has(key));
  });
}
