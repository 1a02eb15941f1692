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
  /** False for a NOT ENFORCED key (PostgreSQL 18): no trigger, so neither a check nor an ON DELETE action. */
  enforced: boolean;
  /** False for a NOT VALID key: rows older than the key may break it. */
  validated: boolean;
  /** Every referencing column is NOT NULL (a NULL in one of them exempts the row from the key). */
  notNull: boolean;
}

export interface IndexInfo {
  schema: string;
  table: string;
  name: string;
  unique: boolean;
  partial: boolean;
  /** A partial index's predicate as SQL text (`exit_message_id IS NOT NULL`), else null. */
  predicate: string | null;
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
            con.confdeltype AS "onDelete",
            -- conenforced exists from PostgreSQL 18 on; before, every key is enforced.
            coalesce((to_jsonb(con) ->> 'conenforced')::boolean, true) AS enforced,
            con.convalidated AS validated,
            (SELECT bool_and(a.attnotnull) FROM unnest(con.conkey) AS k(attnum)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS "notNull"
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.contype = 'f' AND n.nspname = ANY($1)
      ORDER BY 1, 2, 3`,
    [schemas],
  );
  return result.rows;
}

const ORGANISATIONS = 'iam.organisations';
const qualifiedTable = (item: { schema: string; table: string }): string =>
  `${item.schema}.${item.table}`;

/**
 * The tenancy rule "every tenant row cascades away with its organisation", one line per table
 * that breaks it (empty: none). Each tenant table has exactly one foreign key to
 * iam.organisations: `organisation_id` → `id`, ON DELETE CASCADE. It may be NOT ENFORCED (no
 * trigger: it neither checks nor cascades) only when the table has a foreign key that implies
 * it and cascades in its place: enforced and validated, ON DELETE CASCADE, every column NOT NULL
 * (a NULL would exempt the row), `organisation_id` → `organisation_id`, to another tenant table
 * that itself cascades from the organisation (through its own enforced organisation key, or
 * again through such a chain).
 */
export function organisationCascadeViolations(
  tenantTables: readonly { schema: string; table: string }[],
  allForeignKeys: readonly ForeignKeyInfo[],
): string[] {
  const tenant = new Set(tenantTables.map(qualifiedTable));
  const keysOf = (table: string): ForeignKeyInfo[] =>
    allForeignKeys.filter((fk) => qualifiedTable(fk) === table);
  const toOrganisation = (table: string): ForeignKeyInfo[] =>
    keysOf(table).filter((fk) => `${fk.referencedSchema}.${fk.referencedTable}` === ORGANISATIONS);
  const cascadingParents = (table: string): ForeignKeyInfo[] =>
    keysOf(table).filter((fk) => {
      const at = fk.columns.indexOf('organisation_id');
      const parent = `${fk.referencedSchema}.${fk.referencedTable}`;
      return (
        parent !== table &&
        tenant.has(parent) &&
        fk.enforced &&
        fk.validated &&
        fk.onDelete === 'c' &&
        fk.notNull &&
        fk.columns.length > 1 &&
        at >= 0 &&
        fk.referencedColumns[at] === 'organisation_id'
      );
    });
  // A table cascades from its organisation through its own enforced key or a parent's chain.
  const cascades = (table: string, visiting: ReadonlySet<string>): boolean => {
    if (visiting.has(table)) return false;
    const own = toOrganisation(table);
    if (own.length !== 1 || own[0]?.onDelete !== 'c') return false;
    if (own[0].enforced) return true;
    const next = new Set([...visiting, table]);
    return cascadingParents(table).some((fk) =>
      cascades(`${fk.referencedSchema}.${fk.referencedTable}`, next),
    );
  };
  const violations: string[] = [];
  for (const table of [...tenant].sort()) {
    const own = toOrganisation(table);
    const described = own.map(
      (fk) =>
        `${fk.name} (${fk.columns.join(', ')}) → (${fk.referencedColumns.join(', ')}) ON DELETE ${fk.onDelete}${fk.enforced ? '' : ' NOT ENFORCED'}`,
    );
    const [key] = own;
    if (
      own.length !== 1 ||
      key?.columns.join() !== 'organisation_id' ||
      key.referencedColumns.join() !== 'id' ||
      key.onDelete !== 'c'
    ) {
      violations.push(
        `${table}: needs exactly one key (organisation_id) → iam.organisations (id) ON DELETE CASCADE, has [${described.join('; ')}]`,
      );
    } else if (!key.enforced && !cascades(table, new Set())) {
      violations.push(
        `${table}: ${key.name} is NOT ENFORCED (no check, no cascade) without an enforced composite key, NOT NULL and ON DELETE CASCADE, to a table that cascades from the organisation`,
      );
    }
  }
  return violations;
}

/** Every index (including those behind primary keys and unique constraints). */
export async function indexes(client: pg.Client, schemas: readonly string[]): Promise<IndexInfo[]> {
  const result = await client.query<IndexInfo>(
    `SELECT n.nspname AS schema, c.relname AS table, ic.relname AS name,
            i.indisunique AS unique, i.indpred IS NOT NULL AS partial,
            pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
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

/**
 * True when some index can serve the lookups a foreign key makes on its referencing table. A
 * partial index counts only when its predicate is `<a column of the key> IS NOT NULL`: the key's
 * look-ups (`column = $n`) imply it, and the rows it leaves out (NULL) reference nothing.
 */
export function foreignKeyHasIndex(fk: ForeignKeyInfo, all: readonly IndexInfo[]): boolean {
  const fkColumns = new Set(fk.columns);
  const servesKey = (index: IndexInfo): boolean => {
    if (!index.partial) return true;
    const notNull = /^\(?(\w+) IS NOT NULL\)?$/.exec(index.predicate ?? '');
    return (
      notNull?.[1] !== undefined && notNull[1] !== 'organisation_id' && fkColumns.has(notNull[1])
    );
  };
  return all.some((index) => {
    if (index.schema !== fk.schema || index.table !== fk.table || !servesKey(index)) return false;
    const leading = index.keys.slice(0, fk.columns.length);
    // The index starts with exactly the foreign key's columns (any order) ...
    if (leading.length === fkColumns.size && leading.every((key) => fkColumns.has(key)))
      return true;
    // ... or is unique on a subset of them (at most one referencing row per lookup).
    return index.unique && index.keys.every((key) => fkColumns.has(key));
  });
}
