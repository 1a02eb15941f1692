-- Undo V20251224_100000: removes row-level security, the policies and outreach_app's grants.
-- The role is cluster-wide: it is dropped only when no other database still grants it anything
-- (otherwise it is kept, with a notice). Members such as outreach_app_user lose the membership
-- when it is dropped; re-create it after migrating again.

DROP POLICY tenant_isolation ON tracking.message_open_stats;
ALTER TABLE tracking.message_open_stats NO FORCE ROW LEVEL SECURITY;
ALTER TABLE tracking.message_open_stats DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON tracking.pixels;
ALTER TABLE tracking.pixels NO FORCE ROW LEVEL SECURITY;
ALTER TABLE tracking.pixels DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.messages;
ALTER TABLE outreach.messages NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.messages DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.tasks;
ALTER TABLE outreach.tasks NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.tasks DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.enrollment_step_variant_assignments;
ALTER TABLE outreach.enrollment_step_variant_assignments NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.enrollment_step_variant_assignments DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.campaign_enrollments;
ALTER TABLE outreach.campaign_enrollments NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.campaign_enrollments DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.step_experiment_variants;
ALTER TABLE outreach.step_experiment_variants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.step_experiment_variants DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.step_experiments;
ALTER TABLE outreach.step_experiments NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.step_experiments DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.prompts;
ALTER TABLE outreach.prompts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.prompts DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.workflow_steps;
ALTER TABLE outreach.workflow_steps NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.workflow_steps DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON outreach.campaigns;
ALTER TABLE outreach.campaigns NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outreach.campaigns DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON crm.positions;
ALTER TABLE crm.positions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE crm.positions DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON crm.people;
ALTER TABLE crm.people NO FORCE ROW LEVEL SECURITY;
ALTER TABLE crm.people DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON crm.companies;
ALTER TABLE crm.companies NO FORCE ROW LEVEL SECURITY;
ALTER TABLE crm.companies DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON iam.organisation_users;
ALTER TABLE iam.organisation_users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE iam.organisation_users DISABLE ROW LEVEL SECURITY;

DROP POLICY organisations_owner_read ON iam.organisations;
DROP POLICY organisation_isolation ON iam.organisations;
ALTER TABLE iam.organisations NO FORCE ROW LEVEL SECURITY;
ALTER TABLE iam.organisations DISABLE ROW LEVEL SECURITY;

-- Every privilege outreach_app holds in this database (tables, schemas, functions).
DROP OWNED BY outreach_app;

DO $$
BEGIN
  DROP ROLE outreach_app;
EXCEPTION
  WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role outreach_app kept: other databases of this cluster still use it';
END
$$;
