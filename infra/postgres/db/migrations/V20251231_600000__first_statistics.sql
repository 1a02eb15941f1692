-- Statistics for a table's first rows, within seconds rather than autovacuum's minute.
--
-- A table that has never been analysed (or was analysed while empty) has no statistics: the
-- planner takes it for ten pages and every index of it for equally good. The engine's PL/pgSQL
-- functions cache their plans per server connection (plan_cache_mode = force_generic_plan), so
-- the plans made then stay until an ANALYZE of the table invalidates them, and autovacuum looks
-- at a database once a minute (autovacuum_naptime). On a new deployment, the first minute of
-- sends reads the context of each task through the wrong index — e.g. outreach.messages by
-- (organisation_id, to_email, sent_at) with the organisation's every message filtered — and
-- grows dearer with every message sent: with 6,000 messages, 35 ms per context read of twelve
-- tasks against 2.4 ms once analysed. Tables of fewer than 50 rows (organisations, campaigns,
-- mailboxes of a small deployment) never reach autovacuum's threshold at all.
--
-- platform.analyze_tables_without_statistics() analyses the tables of the data schemas that have
-- rows but no statistics of them; the worker calls it every STATISTICS_CHECK_EVERY_MS (a system
-- job of the maintenance queue). A table analysed once keeps its statistics up to date through
-- autovacuum as before; the function is a catalog query and does nothing for it.
--
-- Least privilege: the function is owned by `outreach_maintenance`, a NOLOGIN role that is
-- neither superuser nor BYPASSRLS and holds MAINTAIN on the data schemas' tables (ANALYZE,
-- REINDEX, LOCK TABLE and the like: no row of any table can be read or written with it).
-- MAINTAIN exists from PostgreSQL 17: on 15 and 16 the grants are skipped and the function
-- returns without analysing (autovacuum alone, as before). Migrations run as a superuser
-- (creating a role).

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'outreach_maintenance') THEN
    CREATE ROLE outreach_maintenance NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  ELSIF EXISTS (
    SELECT FROM pg_catalog.pg_roles
     WHERE rolname = 'outreach_maintenance' AND (rolsuper OR rolbypassrls OR rolcanlogin)
  ) THEN
    RAISE EXCEPTION 'role outreach_maintenance exists but is SUPERUSER, BYPASSRLS or LOGIN: the maintenance function would run with more than it needs'
      USING HINT = 'ALTER ROLE outreach_maintenance NOSUPERUSER NOBYPASSRLS NOLOGIN, then migrate again';
  END IF;
END
$$;
COMMENT ON ROLE outreach_maintenance IS
  'Owner of platform.analyze_tables_without_statistics (SECURITY DEFINER); NOLOGIN, no BYPASSRLS, MAINTAIN on the data schemas'' tables (PostgreSQL 17+), no data privilege.';

GRANT USAGE ON SCHEMA iam, crm, outreach, tracking, delivery, imports, analytics
  TO outreach_maintenance;
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'GRANT MAINTAIN ON ALL TABLES IN SCHEMA iam, crm, outreach, tracking, delivery, '
         || 'imports, analytics TO outreach_maintenance';
    -- The tables later migrations create (run by the same role) get it too.
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA iam, crm, outreach, tracking, delivery, imports, '
         || 'analytics GRANT MAINTAIN ON TABLES TO outreach_maintenance';
  END IF;
END
$$;

-- Analyses each table of the data schemas that has rows and no statistics of them: never
-- analysed, or analysed while it was empty and changed since. Returns the tables it analysed.
-- One caller at a time (every worker may run the job): the others return at once. A table
-- another ANALYZE or autovacuum holds is skipped after lock_timeout: that one brings statistics.
-- No ANALYZE starts once p_budget has passed (the first always does): after a restore of large
-- tables without statistics, a call holds its tables' locks for about that long, and the next
-- call goes on with the rest.
CREATE FUNCTION platform.analyze_tables_without_statistics(p_budget interval DEFAULT '5 seconds')
RETURNS TABLE (table_name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '1s'
AS $$
DECLARE
  r record;
  v_started timestamptz := clock_timestamp();
  v_first boolean := true;
BEGIN
  IF current_setting('server_version_num')::int < 170000 THEN
    RETURN;
  END IF;
  IF NOT pg_try_advisory_xact_lock(hashtext('platform'),
                                   hashtext('analyze_tables_without_statistics')) THEN
    RETURN;
  END IF;
  FOR r IN
    SELECT n.nspname, c.relname
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
     WHERE c.relkind = 'r'
       AND c.reltuples <= 0
       AND (c.reltuples < 0 OR coalesce(s.n_mod_since_analyze, 0) > 0)
       AND pg_relation_size(c.oid) > 0
       -- The data schemas' tables: the ones this role was granted MAINTAIN on, above.
       AND has_table_privilege(c.oid, 'MAINTAIN')
     ORDER BY n.nspname, c.relname
  LOOP
    EXIT WHEN NOT v_first AND clock_timestamp() - v_started >= p_budget;
    v_first := false;
    BEGIN
      EXECUTE format('ANALYZE %I.%I', r.nspname, r.relname);
      table_name := format('%I.%I', r.nspname, r.relname);
      RETURN NEXT;
    EXCEPTION WHEN lock_not_available THEN
      NULL;
    END;
  END LOOP;
END;
$$;
COMMENT ON FUNCTION platform.analyze_tables_without_statistics(interval) IS
  'Analyses the data schemas'' tables that have rows but no statistics of them (never analysed, or analysed empty), none started once p_budget has passed; returns their names. PostgreSQL 17+ (MAINTAIN), else does nothing. Owned by outreach_maintenance.';
ALTER FUNCTION platform.analyze_tables_without_statistics(interval) OWNER TO outreach_maintenance;
REVOKE EXECUTE ON FUNCTION platform.analyze_tables_without_statistics(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.analyze_tables_without_statistics(interval) TO outreach_app;
