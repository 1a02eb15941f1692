-- Undo V20251225_100000: removes the system path (functions, schema, policies, grants).
-- The role is cluster-wide: it is dropped only when no other database still grants it anything
-- or has it own something (otherwise it is kept, with a notice).

DROP FUNCTION platform.user_memberships(uuid);
DROP FUNCTION platform.resolve_tracking_token(text);
DROP FUNCTION platform.claim_due_tasks(text, integer, integer);

DROP POLICY system_membership_read ON iam.organisation_users;
DROP POLICY system_token_read ON tracking.pixels;
DROP POLICY system_claim_update ON outreach.tasks;
DROP POLICY system_claim_read ON outreach.tasks;

REVOKE SELECT (organisation_id, user_id, role, status) ON iam.organisation_users FROM outreach_system;
REVOKE SELECT (organisation_id, token, message_id) ON tracking.pixels FROM outreach_system;
REVOKE UPDATE (status, locked_by, locked_until, attempts, last_error)
  ON outreach.tasks FROM outreach_system;
REVOKE SELECT (organisation_id, id, status, due_at, next_attempt_at, locked_by, locked_until,
               attempts, max_attempts)
  ON outreach.tasks FROM outreach_system;
REVOKE EXECUTE ON FUNCTION tracking.token_organisation_id(text) FROM outreach_system;
REVOKE USAGE ON SCHEMA iam, outreach, tracking FROM outreach_system;

REVOKE USAGE ON SCHEMA platform FROM outreach_app;
DROP SCHEMA platform;

DO $$
BEGIN
  DROP ROLE outreach_system;
EXCEPTION
  WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role outreach_system kept: other databases of this cluster still use it';
END
$$;
