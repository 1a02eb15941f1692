-- Undo V20251231_600000: removes platform.analyze_tables_without_statistics and the grants of
-- outreach_maintenance. The role is cluster-wide: it is dropped only when no other database
-- still grants it anything or has it own something (otherwise it is kept, with a notice).

DROP FUNCTION platform.analyze_tables_without_statistics(interval);

DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA iam, crm, outreach, tracking, delivery, imports, '
         || 'analytics REVOKE MAINTAIN ON TABLES FROM outreach_maintenance';
    EXECUTE 'REVOKE MAINTAIN ON ALL TABLES IN SCHEMA iam, crm, outreach, tracking, delivery, '
         || 'imports, analytics FROM outreach_maintenance';
  END IF;
END
$$;
REVOKE USAGE ON SCHEMA iam, crm, outreach, tracking, delivery, imports, analytics
  FROM outreach_maintenance;

DO $$
BEGIN
  DROP ROLE outreach_maintenance;
EXCEPTION
  WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role outreach_maintenance kept: other databases of this cluster still use it';
END
$$;
