import type pg from 'pg';

/**
 * Catalog snapshot: one sorted line per schema object of the database outside the system
 * schemas (schemas, extensions, tables and their flags/ACLs, columns, constraints, indexes,
 * triggers, functions, policies, comments). Two databases built by the same migrations give
 * equal snapshots; object ids and other run-dependent values are left out.
 */
const SNAPSHOT_SQL = `
WITH app_ns AS (
  SELECT oid, nspname FROM pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
     AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%'
),
ext_objects AS (
  SELECT objid FROM pg_depend WHERE deptype = 'e'
),
rels AS (
  SELECT c.oid, n.nspname || '.' || c.relname AS name, c.relkind, c.relrowsecurity,
         c.relforcerowsecurity, c.relacl
    FROM pg_class c JOIN app_ns n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
     AND c.oid NOT IN (SELECT objid FROM ext_objects)
     AND c.relname <> 'flyway_schema_history'
)
SELECT line FROM (
  SELECT 'schema ' || nspname || ' ' || coalesce(obj_description(oid, 'pg_namespace'), '') AS line
    FROM app_ns
  UNION ALL
  SELECT 'extension ' || extname || ' ' || extversion || ' in ' || extnamespace::regnamespace::text
    FROM pg_extension
  UNION ALL
  SELECT 'relation ' || name || ' kind=' || relkind::text || ' rls=' || relrowsecurity
         || ' force=' || relforcerowsecurity || ' acl=' || coalesce(relacl::text, '')
         || ' comment=' || coalesce(obj_description(oid, 'pg_class'), '')
    FROM rels
  UNION ALL
  SELECT 'column ' || r.name || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
         || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
         || ' #' || a.attnum
         || ' comment=' || coalesce(col_description(r.oid, a.attnum), '')
    FROM rels r
    JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  UNION ALL
  SELECT 'constraint ' || r.name || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid, true)
         || CASE WHEN con.condeferrable THEN ' deferrable' ELSE '' END
    FROM pg_constraint con JOIN rels r ON r.oid = con.conrelid
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN rels r ON r.oid = i.indrelid
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(t.oid, true)
    FROM pg_trigger t JOIN rels r ON r.oid = t.tgrelid
   WHERE NOT t.tgisinternal
  UNION ALL
  SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid)
         || ') ' || md5(pg_get_functiondef(p.oid)) || ' acl=' || coalesce(p.proacl::text, '')
         || ' comment=' || coalesce(obj_description(p.oid, 'pg_proc'), '')
    FROM pg_proc p JOIN app_ns n ON n.oid = p.pronamespace
   WHERE p.oid NOT IN (SELECT objid FROM ext_objects)
  UNION ALL
  SELECT 'policy ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || permissive
         || ' ' || array_to_string(roles, ',') || ' ' || cmd || ' using=' || coalesce(qual, '')
         || ' check=' || coalesce(with_check, '')
    FROM pg_policies
   WHERE schemaname IN (SELECT nspname FROM app_ns)
  UNION ALL
  SELECT 'type ' || n.nspname || '.' || t.typname || ' ' || t.typtype::text
    FROM pg_type t JOIN app_ns n ON n.oid = t.typnamespace
   WHERE t.typtype IN ('d', 'e', 'c') AND t.typrelid = 0
     AND t.oid NOT IN (SELECT objid FROM ext_objects)
) AS lines
ORDER BY line COLLATE "C"
`;

export async function catalogSnapshot(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ line: string }>(SNAPSHOT_SQL);
  return result.rows.map((row) => row.line);
}
