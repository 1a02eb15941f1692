-- Undo V20251230_200000: the organisation foreign key of crm.positions enforced again (checks
-- every existing row). Nothing to do on PostgreSQL 15 to 17, where it never stopped being enforced.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 180000 THEN
    EXECUTE 'ALTER TABLE crm.positions ALTER CONSTRAINT positions_organisation_id_fkey ENFORCED';
  END IF;
END
$$;
