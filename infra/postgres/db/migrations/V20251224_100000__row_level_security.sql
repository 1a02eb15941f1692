-- Row-level security: the database itself keeps every organisation's rows apart.
--
-- The apps log in as a LOGIN role that is a member of `outreach_app` (outreach_app_user; the dev
-- stack, compose and the test harness create it, not this migration). `outreach_app` owns no
-- table and has no BYPASSRLS, so the policies below always apply to it. Every transaction of
-- tenant work first runs `SELECT set_config('app.organisation_id', <uuid>, true)` (transaction
-- local, so it holds through pgBouncer transaction pooling); without that setting every tenant
-- table reads as empty and every write is refused.
--
-- RLS is also FORCED, so the tables' owner (the migration role) is bound by the policies too.
-- Superusers and BYPASSRLS roles are not: the migration role and the backup role (pg_dump)
-- must be one of those to see all rows (pg_dump refuses to dump a table that RLS would filter).
--
-- Roles are cluster-wide: the role is created only when missing, and an existing one must not
-- be able to bypass row-level security.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'outreach_app') THEN
    CREATE ROLE outreach_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  ELSIF EXISTS (
    SELECT FROM pg_catalog.pg_roles
     WHERE rolname = 'outreach_app' AND (rolsuper OR rolbypassrls OR rolcanlogin)
  ) THEN
    RAISE EXCEPTION 'role outreach_app exists but is SUPERUSER, BYPASSRLS or LOGIN: row-level security would not bind it'
      USING HINT = 'ALTER ROLE outreach_app NOSUPERUSER NOBYPASSRLS NOLOGIN, then migrate again';
  END IF;
END
$$;
COMMENT ON ROLE outreach_app IS
  'Application traffic (api, worker, tracker): bound by row-level security; log in as a member (outreach_app_user).';

-- Schemas and helper functions the apps use (CHECK constraints and triggers call these).
GRANT USAGE ON SCHEMA iam, crm, outreach, tracking TO outreach_app;
GRANT EXECUTE ON FUNCTION iam.slugify(text) TO outreach_app;
GRANT EXECUTE ON FUNCTION crm.is_valid_siren(text) TO outreach_app;
GRANT EXECUTE ON FUNCTION public.is_valid_time_zone(text) TO outreach_app;
GRANT EXECUTE ON FUNCTION tracking.token_organisation_id(text) TO outreach_app;

-- iam.organisations: the tenants themselves. An organisation sees only its own row; creating
-- one means choosing its id first and setting app.organisation_id to it in the same transaction.
-- No DELETE: removing a tenant (and, by cascade, all its data) is an operator action.
GRANT SELECT, INSERT, UPDATE ON iam.organisations TO outreach_app;
ALTER TABLE iam.organisations ENABLE ROW LEVEL SECURITY;
ALTER TABLE iam.organisations FORCE ROW LEVEL SECURITY;
CREATE POLICY organisation_isolation ON iam.organisations
  USING (id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.organisation_id', true), '')::uuid);

-- The slug trigger (iam.organisations_set_slug, SECURITY DEFINER) runs as the table owner and
-- must see every slug to avoid collisions; FORCE would hide them from the owner too. This policy
-- lets the owner (never the apps) read all organisations; its writes stay confined.
DO $$
DECLARE
  owner_role name := (SELECT tableowner FROM pg_catalog.pg_tables
                       WHERE schemaname = 'iam' AND tablename = 'organisations');
BEGIN
  EXECUTE format(
    'CREATE POLICY organisations_owner_read ON iam.organisations FOR SELECT TO %I USING (true)',
    owner_role);
END
$$;

-- iam.users: global identities, not tenant data (one person may belong to several
-- organisations). No row-level security: the apps look users up by e-mail (authentication,
-- adding a member) and by id (member lists), create them (adding a member by e-mail) and update
-- their names. No DELETE. The API never lists users outside an organisation's memberships.
GRANT SELECT, INSERT, UPDATE ON iam.users TO outreach_app;

-- Tenant tables: rows of the organisation in app.organisation_id, and nothing else.

GRANT SELECT, INSERT, UPDATE, DELETE ON iam.organisation_users TO outreach_app;
ALTER TABLE iam.organisation_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE iam.organisation_users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON iam.organisation_users
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON crm.companies TO outreach_app;
ALTER TABLE crm.companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.companies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON crm.companies
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON crm.people TO outreach_app;
ALTER TABLE crm.people ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.people FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON crm.people
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON crm.positions TO outreach_app;
ALTER TABLE crm.positions ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.positions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON crm.positions
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.campaigns TO outreach_app;
ALTER TABLE outreach.campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.campaigns FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.campaigns
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.workflow_steps TO outreach_app;
ALTER TABLE outreach.workflow_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.workflow_steps FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.workflow_steps
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.prompts TO outreach_app;
ALTER TABLE outreach.prompts ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.prompts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.prompts
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.step_experiments TO outreach_app;
ALTER TABLE outreach.step_experiments ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.step_experiments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.step_experiments
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.step_experiment_variants TO outreach_app;
ALTER TABLE outreach.step_experiment_variants ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.step_experiment_variants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.step_experiment_variants
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.campaign_enrollments TO outreach_app;
ALTER TABLE outreach.campaign_enrollments ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.campaign_enrollments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.campaign_enrollments
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.enrollment_step_variant_assignments TO outreach_app;
ALTER TABLE outreach.enrollment_step_variant_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.enrollment_step_variant_assignments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.enrollment_step_variant_assignments
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.tasks TO outreach_app;
ALTER TABLE outreach.tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.tasks
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.messages TO outreach_app;
ALTER TABLE outreach.messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach.messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outreach.messages
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, DELETE ON tracking.pixels TO outreach_app;
ALTER TABLE tracking.pixels ENABLE ROW LEVEL SECURITY;
ALTER TABLE tracking.pixels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tracking.pixels
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON tracking.message_open_stats TO outreach_app;
ALTER TABLE tracking.message_open_stats ENABLE ROW LEVEL SECURITY;
ALTER TABLE tracking.message_open_stats FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tracking.message_open_stats
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
