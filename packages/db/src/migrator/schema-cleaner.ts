import type pg from 'pg';
import { quoteIdent } from './history-table.js';

/** Objects in a schema, each as the DROP statement that removes it (extension members excluded). */
const OBJECT_DROPS = `
SELECT format('DROP EXTENSION IF EXISTS %I CASCADE', e.extname) AS stmt, 1 AS phase
  FROM pg_extension e WHERE e.extnamespace = $1::regnamespace
UNION ALL
SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                             WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
              n.nspname, c.relname), 2
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.oid = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                   AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
UNION ALL
SELECT format('DROP %s IF EXISTS %s CASCADE',
              CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
              p.oid::regprocedure), 3
  FROM pg_proc p
 WHERE p.pronamespace = $1::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                   AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT format('DROP %s IF EXISTS %s CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
              t.oid::regtype), 4
  FROM pg_type t
 WHERE t.typnamespace = $1::regnamespace
   AND t.typtype IN ('c', 'd', 'e', 'r')
   AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                   AND d.objid = t.oid AND d.deptype IN ('e', 'i'))
ORDER BY 2`;

/** Drops every object in the schema but keeps the schema itself (Flyway's clean of a schema it did not create). */
export async function emptySchema(db: pg.ClientBase, schema: string): Promise<void> {
  const present = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (present.rowCount === 0) return;
  const drops = await db.query<{ stmt: string }>(OBJECT_DROPS, [quoteIdent(schema)]);
  for (const { stmt } of drops.rows) await db.query(stmt);
}

export async function dropSchema(db: pg.ClientBase, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}

/**
 * Flyway's PostgreSQLSchema.doEmpty: no table, view, sequence, standalone type or function in the
 * schema other than extension members. A missing schema counts as empty.
 */
export async function isSchemaEmpty(db: pg.ClientBase, schema: string): Promise<boolean> {
  const result = await db.query<{ used: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
       UNION ALL
       SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1 AND t.typcategory NOT IN ('A', 'C')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype IN ('e', 'i'))
       UNION ALL
       SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
     ) AS used`,
    [schema],
  );
  return result.rows[0]?.used !== true;
}
