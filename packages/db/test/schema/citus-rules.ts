import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { POSTGRES_DB_DIR } from './migration-files.js';

/** infra/postgres/db/citus-distribution.json: reference tables and the SECURITY DEFINER allow-list. */
export const CITUS_DISTRIBUTION_FILE = join(POSTGRES_DB_DIR, 'citus-distribution.json');

export interface CitusDistribution {
  distributionColumn: string;
  colocateWith: string;
  referenceTables: Array<{ table: string; reason: string }>;
  securityDefinerFunctions: Array<{
    function: string;
    crossOrganisation: boolean;
    underCitus: string;
  }>;
}

export function loadCitusDistribution(): CitusDistribution {
  return JSON.parse(readFileSync(CITUS_DISTRIBUTION_FILE, 'utf8')) as CitusDistribution;
}

/** Schemas that are PostgreSQL's own (never checked). */
const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast'];

interface CatalogTable {
  name: string;
  /** Type of the distribution column (null: the table has none). */
  distributionType: string | null;
  distributionNotNull: boolean;
  hasPrimaryKey: boolean;
  /** Identity or serial columns narrower than bigint. */
  narrowSequenceColumns: string[];
}

interface CatalogUnique {
  table: string;
  name: string;
  kind: 'primary key' | 'unique constraint' | 'unique index' | 'exclusion constraint';
  /** Key columns; an expression appears as its SQL text. */
  keys: string[];
  /** For exclusion constraints: the operator of each key. */
  operators: string[];
}

interface CatalogForeignKey {
  table: string;
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
  /** Columns that ON DELETE SET NULL / SET DEFAULT touches (empty: all of `columns`). */
  onDeleteSetColumns: string[];
}

export interface CitusCatalog {
  tables: CatalogTable[];
  uniques: CatalogUnique[];
  foreignKeys: CatalogForeignKey[];
  /** `schema.name(identity arguments)` of every SECURITY DEFINER function. */
  securityDefinerFunctions: string[];
}

/**
 * Reads what Citus cares about from the catalog: the tables of `schemas` (every non-system
 * schema except `public` when omitted) and the SECURITY DEFINER functions of the same schemas.
 */
export async function readCitusCatalog(
  client: pg.Client,
  distributionColumn: string,
  schemas?: readonly string[],
): Promise<CitusCatalog> {
  const scope = schemas
    ? [...schemas]
    : (
        await client.query<{ nspname: string }>(
          `SELECT nspname FROM pg_namespace
            WHERE nspname <> ALL($1) AND nspname <> 'public' AND nspname NOT LIKE 'pg\\_%'`,
          [SYSTEM_SCHEMAS],
        )
      ).rows.map((row) => row.nspname);
  const tables = await client.query<CatalogTable>(
    `SELECT c.oid::regclass::text AS name,
            format_type(d.atttypid, d.atttypmod) AS "distributionType",
            coalesce(d.attnotnull, false) AS "distributionNotNull",
            EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p')
              AS "hasPrimaryKey",
            array(SELECT a.attname::text FROM pg_attribute a
                   LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                     AND a.atttypid IN ('int2'::regtype, 'int4'::regtype)
                     AND (a.attidentity <> '' OR pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%')
                   ORDER BY a.attnum) AS "narrowSequenceColumns"
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute d ON d.attrelid = c.oid AND d.attname = $2 AND NOT d.attisdropped
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1`,
    [scope, distributionColumn],
  );
  const uniques = await client.query<CatalogUnique>(
    `SELECT i.indrelid::regclass::text AS table, ic.relname AS name,
            CASE WHEN i.indisprimary THEN 'primary key'
                 WHEN con.contype = 'u' THEN 'unique constraint'
                 WHEN con.contype = 'x' THEN 'exclusion constraint'
                 ELSE 'unique index' END AS kind,
            array(SELECT pg_get_indexdef(i.indexrelid, k, true)
                    FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) AS keys,
            coalesce(array(SELECT o.oprname::text FROM unnest(con.conexclop) WITH ORDINALITY AS x(op, ord)
                             JOIN pg_operator o ON o.oid = x.op ORDER BY x.ord), '{}') AS operators
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class ic ON ic.oid = i.indexrelid
       LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
      WHERE n.nspname = ANY($1) AND (i.indisunique OR con.contype = 'x')
      ORDER BY 1, 2`,
    [scope],
  );
  const foreignKeys = await client.query<CatalogForeignKey>(
    `SELECT con.conrelid::regclass::text AS table, con.conname AS name,
            array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS columns,
            con.confrelid::regclass::text AS "referencedTable",
            array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                  ORDER BY k.ord) AS "referencedColumns",
            con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate",
            coalesce(array(SELECT a.attname::text FROM unnest(con.confdelsetcols) AS k(attnum)
                            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
                     '{}') AS "onDeleteSetColumns"
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = ANY($1)
      ORDER BY 1, 2`,
    [scope],
  );
  const functions = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS name
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prosecdef AND n.nspname = ANY($1)
      ORDER BY 1`,
    [schemas ? [...scope] : [...scope, 'public']],
  );
  return {
    tables: tables.rows,
    uniques: uniques.rows,
    foreignKeys: foreignKeys.rows,
    securityDefinerFunctions: functions.rows.map((row) => row.name),
  };
}

/**
 * Every rule Citus imposes on a schema distributed by `distributionColumn`, checked on the
 * catalog; one line per violation (empty: Citus would accept the schema as classified).
 *
 * - every table is either a listed reference table or distributed (has the column, NOT NULL,
 *   the same type everywhere so all are colocated), and has a primary key;
 * - every primary key, unique constraint and unique index of a distributed table includes the
 *   column (Citus cannot enforce uniqueness across shards); an exclusion constraint uses it
 *   with `=`;
 * - a foreign key between distributed tables includes the column on both sides, at the same
 *   position (so both rows live on one shard); ON DELETE SET NULL / SET DEFAULT lists its
 *   columns and leaves the column out, ON UPDATE never sets it;
 * - distributed → reference and reference → reference keys are allowed; reference →
 *   distributed is not;
 * - no identity or serial column narrower than bigint (Citus' node-encoded sequences);
 * - every SECURITY DEFINER function is in the documented allow-list, and the list has no
 *   stale entry.
 */
export function citusViolations(catalog: CitusCatalog, plan: CitusDistribution): string[] {
  const column = plan.distributionColumn;
  const violations: string[] = [];
  const reference = new Set(plan.referenceTables.map((entry) => entry.table));
  const known = new Set(catalog.tables.map((table) => table.name));
  for (const name of reference) {
    if (!known.has(name)) violations.push(`${name}: listed as a reference table but not found`);
  }
  const distributed = new Set<string>();
  const types = new Map<string, string[]>();
  for (const table of catalog.tables) {
    if (!table.hasPrimaryKey) violations.push(`${table.name}: no primary key`);
    if (reference.has(table.name)) continue;
    if (table.distributionType === null) {
      violations.push(
        `${table.name}: has no ${column} and is not a listed reference table (citus-distribution.json)`,
      );
      continue;
    }
    distributed.add(table.name);
    types.set(table.distributionType, [...(types.get(table.distributionType) ?? []), table.name]);
    if (!table.distributionNotNull) violations.push(`${table.name}: ${column} may be NULL`);
    for (const narrow of table.narrowSequenceColumns) {
      violations.push(`${table.name}.${narrow}: a sequence narrower than bigint`);
    }
  }
  if (types.size > 1) {
    violations.push(
      `${column} has different types, so the tables cannot be colocated: ${[...types]
        .map(([type, names]) => `${type} (${names.join(', ')})`)
        .join('; ')}`,
    );
  }
  for (const unique of catalog.uniques) {
    if (!distributed.has(unique.table)) continue;
    const at = unique.keys.indexOf(column);
    if (at < 0) {
      violations.push(`${unique.table}: ${unique.kind} ${unique.name} leaves ${column} out`);
    } else if (unique.kind === 'exclusion constraint' && unique.operators[at] !== '=') {
      violations.push(`${unique.table}: exclusion constraint ${unique.name} must use ${column} =`);
    }
  }
  for (const fk of catalog.foreignKeys) {
    const from = distributed.has(fk.table) ? 'distributed' : 'reference';
    const to = distributed.has(fk.referencedTable)
      ? 'distributed'
      : reference.has(fk.referencedTable)
        ? 'reference'
        : 'outside';
    const label = `${fk.table}: foreign key ${fk.name} → ${fk.referencedTable}`;
    if (to === 'outside') {
      violations.push(`${label} points outside the checked tables`);
    } else if (from === 'reference' && to === 'distributed') {
      violations.push(`${label}: a reference table cannot reference a distributed table`);
    } else if (from === 'distributed' && to === 'distributed') {
      const at = fk.columns.indexOf(column);
      if (at < 0 || fk.referencedColumns[at] !== column) {
        violations.push(`${label} does not join on ${column} = ${column}`);
      } else {
        if (['n', 'd'].includes(fk.onDelete)) {
          const touched = fk.onDeleteSetColumns.length > 0 ? fk.onDeleteSetColumns : fk.columns;
          if (touched.includes(column)) {
            violations.push(`${label}: ON DELETE SET NULL/DEFAULT would change ${column}`);
          }
        }
        if (['n', 'd', 'c'].includes(fk.onUpdate)) {
          violations.push(`${label}: ON UPDATE ${fk.onUpdate === 'c' ? 'CASCADE' : 'SET …'}`);
        }
      }
    }
  }
  const allowed = new Set(plan.securityDefinerFunctions.map((entry) => entry.function));
  for (const fn of catalog.securityDefinerFunctions) {
    if (!allowed.has(fn)) {
      violations.push(
        `${fn}: SECURITY DEFINER but not in the allow-list (citus-distribution.json says what changes under Citus)`,
      );
    }
  }
  const present = new Set(catalog.securityDefinerFunctions);
  for (const fn of allowed) {
    if (!present.has(fn)) violations.push(`${fn}: in the allow-list but not found`);
  }
  return violations;
}

export interface DistributionCall {
  kind: 'reference' | 'distributed';
  table: string;
  column?: string;
  colocateWith?: string;
}

/** A document's deployment: foreign keys dropped first, the calls in order, keys added back. */
export interface DistributionScript {
  /** `DROP CONSTRAINT name` before the first call (foreign keys closing a cycle). */
  dropped: string[];
  calls: DistributionCall[];
  /** `ADD CONSTRAINT name` after the last call. */
  readded: string[];
}

/** The `create_reference_table` / `create_distributed_table` calls of a document, in order. */
export function distributionScript(text: string): DistributionScript {
  const calls: DistributionCall[] = [];
  const pattern =
    /create_(reference|distributed)_table\('([a-z_.]+)'(?:,\s*'([a-z_]+)')?(?:,\s*colocate_with\s*=>\s*'([a-z_.]+)')?\)/g;
  let first = -1;
  let last = -1;
  for (const match of text.matchAll(pattern)) {
    const [, kind, table, column, colocateWith] = match;
    if (!table) continue;
    if (first < 0) first = match.index;
    last = match.index;
    calls.push({
      kind: kind === 'reference' ? 'reference' : 'distributed',
      table,
      ...(column ? { column } : {}),
      ...(colocateWith ? { colocateWith } : {}),
    });
  }
  const names = (pattern: RegExp, from: number, to: number): string[] =>
    [...text.slice(from, to).matchAll(pattern)].map((match) => match[1] ?? '');
  return {
    dropped: first < 0 ? [] : names(/DROP CONSTRAINT ([a-z_]+)/g, 0, first),
    calls,
    readded: last < 0 ? [] : names(/ADD CONSTRAINT ([a-z_]+)/g, last, text.length),
  };
}

/**
 * The document's calls cover every table once, as classified, in an order Citus accepts (a
 * table after every table its foreign keys reference, except keys dropped first and added back
 * after), all colocated with the plan's anchor.
 */
export function distributionScriptViolations(
  script: DistributionScript,
  catalog: CitusCatalog,
  plan: CitusDistribution,
): string[] {
  const violations: string[] = [];
  const reference = new Set(plan.referenceTables.map((entry) => entry.table));
  const dropped = new Set(script.dropped);
  const done = new Set<string>();
  for (const call of script.calls) {
    if (done.has(call.table)) violations.push(`${call.table}: distributed twice`);
    const expected = reference.has(call.table) ? 'reference' : 'distributed';
    if (call.kind !== expected) violations.push(`${call.table}: should be a ${expected} table`);
    if (call.kind === 'distributed') {
      if (call.column !== plan.distributionColumn) {
        violations.push(`${call.table}: distributed by ${String(call.column)}`);
      }
      const anchor = call.table === plan.colocateWith;
      if (!anchor && call.colocateWith !== plan.colocateWith) {
        violations.push(`${call.table}: not colocated with ${plan.colocateWith}`);
      }
      if (!anchor && !done.has(plan.colocateWith)) {
        violations.push(`${call.table}: colocated with ${plan.colocateWith} before it exists`);
      }
    }
    for (const fk of catalog.foreignKeys) {
      if (fk.table !== call.table || fk.referencedTable === call.table || dropped.has(fk.name)) {
        continue;
      }
      if (!done.has(fk.referencedTable)) {
        violations.push(`${call.table}: before ${fk.referencedTable}, which ${fk.name} references`);
      }
    }
    done.add(call.table);
  }
  for (const table of catalog.tables) {
    if (!done.has(table.name)) violations.push(`${table.name}: no create_*_table call`);
  }
  for (const name of script.dropped) {
    if (!script.readded.includes(name)) violations.push(`${name}: dropped and never added back`);
  }
  return violations;
}
