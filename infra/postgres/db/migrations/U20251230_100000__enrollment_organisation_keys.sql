-- Undo V20251230_100000: the organisation foreign keys of outreach.campaign_enrollments and
-- outreach.tasks enforced again (each checks every existing row). Nothing to do on PostgreSQL 15
-- to 17, where they never stopped being enforced.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 180000 THEN
    EXECUTE 'ALTER TABLE outreach.campaign_enrollments'
         || ' ALTER CONSTRAINT campaign_enrollments_organisation_id_fkey ENFORCED';
    EXECUTE 'ALTER TABLE outreach.tasks'
         || ' ALTER CONSTRAINT tasks_organisation_id_fkey ENFORCED';
  END IF;
END
$$;
