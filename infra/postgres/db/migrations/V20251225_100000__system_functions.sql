-- The system path: the only door through which work crosses organisations.
--
-- Everything the apps do runs in a tenant transaction (app.organisation_id set, row-level
-- security binding outreach_app). Three jobs cannot: the worker's scheduler claiming due tasks
-- of every organisation, the tracker resolving a pixel / unsubscribe token to its organisation
-- before it knows which one, and listing a user's memberships before an organisation is chosen
-- (GET /organisations). They go through the SECURITY DEFINER functions below, which return ids
-- (and a claimed task's lease), never tenant data; the caller then opens a tenant transaction
-- for the organisation an id names.
--
-- Least privilege: the functions are owned by `outreach_system`, a NOLOGIN role that is neither
-- superuser nor BYPASSRLS and holds only what the three functions touch: SELECT/UPDATE on the
-- listed columns of outreach.tasks, SELECT on three columns of tracking.pixels and four of
-- iam.organisation_users, each through a permissive policy `TO outreach_system` (RLS stays
-- forced; everyone else still sees only their organisation). outreach_app is not a member of it:
-- it may EXECUTE the functions, nothing more. The functions live in a schema of their own,
-- `platform` (the four core schemas hold exactly their tables and helpers).
--
-- Migrations run as a superuser (as for the row-level security migration): creating a role
-- and giving a function to another owner need it.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'outreach_system') THEN
    CREATE ROLE outreach_system NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  ELSIF EXISTS (
    SELECT FROM pg_catalog.pg_roles
     WHERE rolname = 'outreach_system' AND (rolsuper OR rolbypassrls OR rolcanlogin)
  ) THEN
    RAISE EXCEPTION 'role outreach_system exists but is SUPERUSER, BYPASSRLS or LOGIN: the system functions would run with more than they need'
      USING HINT = 'ALTER ROLE outreach_system NOSUPERUSER NOBYPASSRLS NOLOGIN, then migrate again';
  END IF;
END
$$;
COMMENT ON ROLE outreach_system IS
  'Owner of the platform.* cross-organisation functions (SECURITY DEFINER); NOLOGIN, no BYPASSRLS, reads and writes only the columns those functions need.';

CREATE SCHEMA platform;
COMMENT ON SCHEMA platform IS
  'Cross-organisation functions (SECURITY DEFINER, owned by outreach_system) that return ids, never tenant data: the only door around row-level security.';
GRANT USAGE ON SCHEMA platform TO outreach_app;

-- What the owner role may touch: the schemas, the token decoder, and the listed columns only.
GRANT USAGE ON SCHEMA iam, outreach, tracking TO outreach_system;
GRANT EXECUTE ON FUNCTION tracking.token_organisation_id(text) TO outreach_system;

-- UPDATE on the claimed columns is also what SELECT … FOR UPDATE requires.
GRANT SELECT (organisation_id, id, status, due_at, next_attempt_at, locked_by, locked_until,
              attempts, max_attempts)
  ON outreach.tasks TO outreach_system;
GRANT UPDATE (status, locked_by, locked_until, attempts, last_error)
  ON outreach.tasks TO outreach_system;
CREATE POLICY system_claim_read ON outreach.tasks FOR SELECT TO outreach_system USING (true);
CREATE POLICY system_claim_update ON outreach.tasks FOR UPDATE TO outreach_system
  USING (true) WITH CHECK (true);

GRANT SELECT (organisation_id, token, message_id) ON tracking.pixels TO outreach_system;
CREATE POLICY system_token_read ON tracking.pixels FOR SELECT TO outreach_system USING (true);

GRANT SELECT (organisation_id, user_id, role, status) ON iam.organisation_users TO outreach_system;
CREATE POLICY system_membership_read ON iam.organisation_users FOR SELECT TO outreach_system
  USING (true);

-- Claims up to p_batch_size tasks for worker p_owner with a lease of p_lease_seconds.
--
-- Two steps, each an ordered scan of one partial index (the tenancy exceptions tasks_lock_expiry_idx
-- and tasks_due_idx) with FOR UPDATE SKIP LOCKED, so concurrent claimers never wait for and never
-- share a task:
-- 1. running tasks whose lease expired (their worker died), oldest expiry first: claimed again
--    with attempts + 1; one that has no attempt left becomes `failed` (lock cleared, last_error
--    says so) and is not returned, so it is never picked up again;
-- 2. pending tasks due now (coalesce(next_attempt_at, due_at) <= now()), oldest due first, up to
--    the rest of the batch. A pending task without an attempt left (a retry scheduled past
--    max_attempts) is failed the same way instead of breaking every claim on tasks_attempts_check.
-- Only claimed rows are locked, so nothing is held that another worker could have taken.
CREATE FUNCTION platform.claim_due_tasks(p_owner text, p_lease_seconds integer, p_batch_size integer)
RETURNS TABLE (organisation_id uuid, task_id uuid, attempts integer, locked_until timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  lease_end timestamptz;
  claimed_count integer;
BEGIN
  -- Invalid arguments: SQLSTATE 22023 (invalid_parameter_value), the argument in COLUMN.
  IF p_owner IS NULL OR btrim(p_owner) = '' OR char_length(p_owner) > 200 THEN
    RAISE EXCEPTION 'claim_due_tasks: owner must be a non-blank text of at most 200 characters'
      USING ERRCODE = '22023', COLUMN = 'p_owner';
  END IF;
  IF p_lease_seconds IS NULL OR p_lease_seconds < 1 OR p_lease_seconds > 3600 THEN
    RAISE EXCEPTION 'claim_due_tasks: lease must be 1 to 3600 seconds, got %', p_lease_seconds
      USING ERRCODE = '22023', COLUMN = 'p_lease_seconds';
  END IF;
  IF p_batch_size IS NULL OR p_batch_size < 1 OR p_batch_size > 1000 THEN
    RAISE EXCEPTION 'claim_due_tasks: batch size must be 1 to 1000, got %', p_batch_size
      USING ERRCODE = '22023', COLUMN = 'p_batch_size';
  END IF;
  lease_end := pg_catalog.now() + pg_catalog.make_interval(secs => p_lease_seconds);

  RETURN QUERY
  WITH expired AS (
    SELECT t.organisation_id, t.id, t.attempts >= t.max_attempts AS exhausted
      FROM outreach.tasks t
     WHERE t.status = 'running' AND t.locked_until < pg_catalog.now()
     ORDER BY t.locked_until
     LIMIT p_batch_size
       FOR UPDATE SKIP LOCKED
  ), failed AS (
    UPDATE outreach.tasks t
       SET status = 'failed', locked_by = NULL, locked_until = NULL,
           last_error = pg_catalog.format(
             'lease expired after %s of %s attempts (last held by %s); no attempt left',
             t.attempts, t.max_attempts, t.locked_by)
      FROM expired e
     WHERE e.exhausted AND t.organisation_id = e.organisation_id AND t.id = e.id
  ), claimed AS (
    UPDATE outreach.tasks t
       SET status = 'running', locked_by = p_owner, locked_until = lease_end,
           attempts = t.attempts + 1
      FROM expired e
     WHERE NOT e.exhausted AND t.organisation_id = e.organisation_id AND t.id = e.id
    RETURNING t.organisation_id, t.id, t.attempts, t.locked_until
  )
  SELECT c.organisation_id, c.id, c.attempts, c.locked_until FROM claimed c;
  GET DIAGNOSTICS claimed_count = ROW_COUNT;

  IF claimed_count >= p_batch_size THEN
    RETURN;
  END IF;

  RETURN QUERY
  WITH due AS (
    SELECT t.organisation_id, t.id, t.attempts >= t.max_attempts AS exhausted
      FROM outreach.tasks t
     WHERE t.status = 'pending' AND coalesce(t.next_attempt_at, t.due_at) <= pg_catalog.now()
     ORDER BY coalesce(t.next_attempt_at, t.due_at)
     LIMIT p_batch_size - claimed_count
       FOR UPDATE SKIP LOCKED
  ), failed AS (
    UPDATE outreach.tasks t
       SET status = 'failed',
           last_error = pg_catalog.format(
             'due with %s of %s attempts used; no attempt left', t.attempts, t.max_attempts)
      FROM due d
     WHERE d.exhausted AND t.organisation_id = d.organisation_id AND t.id = d.id
  ), claimed AS (
    UPDATE outreach.tasks t
       SET status = 'running', locked_by = p_owner, locked_until = lease_end,
           attempts = t.attempts + 1
      FROM due d
     WHERE NOT d.exhausted AND t.organisation_id = d.organisation_id AND t.id = d.id
    RETURNING t.organisation_id, t.id, t.attempts, t.locked_until
  )
  SELECT c.organisation_id, c.id, c.attempts, c.locked_until FROM claimed c;
END;
$$;
COMMENT ON FUNCTION platform.claim_due_tasks(text, integer, integer) IS
  'Claims up to p_batch_size due tasks of every organisation for worker p_owner (status running, lease of p_lease_seconds, attempts + 1; expired leases reclaimed, exhausted ones failed) and returns only (organisation_id, task_id, attempts, locked_until). Part of the only cross-organisation door (schema platform).';

-- Organisation and message of a pixel / unsubscribe token. One token per outbound message
-- serves both the tracking pixel and the List-Unsubscribe link. The organisation comes from
-- the token itself (tracking.token_organisation_id), the pixel is then found by the unique key
-- (organisation_id, token): a malformed, unknown or re-prefixed token gives no row.
CREATE FUNCTION platform.resolve_tracking_token(p_token text)
RETURNS TABLE (organisation_id uuid, message_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT p.organisation_id, p.message_id
    FROM tracking.pixels p
   WHERE p.organisation_id = tracking.token_organisation_id(p_token)
     AND p.token = p_token
$$;
COMMENT ON FUNCTION platform.resolve_tracking_token(text) IS
  'Resolves a pixel / unsubscribe token to (organisation_id, message_id); no row when malformed or unknown. Part of the only cross-organisation door (schema platform).';

-- A user's memberships in every organisation (login, organisation picker), by the
-- organisation_users_user_id_idx tenancy exception.
CREATE FUNCTION platform.user_memberships(p_user_id uuid)
RETURNS TABLE (organisation_id uuid, role text, status text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.organisation_id, m.role, m.status
    FROM iam.organisation_users m
   WHERE m.user_id = p_user_id
   ORDER BY m.organisation_id
$$;
COMMENT ON FUNCTION platform.user_memberships(uuid) IS
  'Lists a user''s memberships as (organisation_id, role, status) across organisations. Part of the only cross-organisation door (schema platform).';

ALTER FUNCTION platform.claim_due_tasks(text, integer, integer) OWNER TO outreach_system;
ALTER FUNCTION platform.resolve_tracking_token(text) OWNER TO outreach_system;
ALTER FUNCTION platform.user_memberships(uuid) OWNER TO outreach_system;

REVOKE EXECUTE ON FUNCTION platform.claim_due_tasks(text, integer, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION platform.resolve_tracking_token(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION platform.user_memberships(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.claim_due_tasks(text, integer, integer) TO outreach_app;
GRANT EXECUTE ON FUNCTION platform.resolve_tracking_token(text) TO outreach_app;
GRANT EXECUTE ON FUNCTION platform.user_memberships(uuid) TO outreach_app;
