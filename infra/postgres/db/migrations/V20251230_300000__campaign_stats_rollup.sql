-- Campaign stats at scale (issue 15): a rollup rebuilt from the data, and a cheap change marker.
--
-- Counting a campaign's figures from its messages reads every message (3.3 s for 300,000 on the
-- shared 2-core machine); the stats must answer in under 200 ms over 1,000,000. So the figures
-- are pre-aggregated, REBUILT FROM THE DATA (never incremented), in a schema of their own
-- (`analytics`, SPEC.md: new storage gets a new schema):
-- 1. analytics.campaign_stats_rollups: one row per (campaign, step, A/B variant, mailbox, day in
--    the campaign's time zone) with every count the stats need, each event counted on its own
--    day (sent, first human open, first open, replies, unsubscribes, enrollments; variant
--    assignments have no day). The campaign's totals are the sum of its rows, a day's figures the
--    sum of that day's rows: a few hundred rows instead of every message. The worker's
--    `roll-up-campaign` job deletes a campaign's rows and inserts them again from one
--    INSERT … SELECT over its messages, in one tenant transaction.
-- 2. analytics.campaign_stats_rollup_states: one row per rolled-up campaign: when (computed_at,
--    the "as of" the api shows), how many messages. The rebuild locks it first, so two rebuilds
--    of one campaign run one after the other.
-- 3. analytics.campaign_stats_changes: the change marker. Statement-level triggers (transition
--    tables: one INSERT per statement, whatever its row count) append the campaigns whose
--    figures a statement may have changed: outbound messages sent or bounced, inbound answers
--    (through the message they answer), open statistics, enrollments created or deleted, variant
--    assignments, unsubscribe suppressions (through their source message), a campaign's time
--    zone. Insert-only and unkeyed: writers never wait on each other or on a rebuild. The rebuild
--    deletes the markers it sees before it reads the data, so a change committed later leaves its
--    marker and the campaign is rebuilt again; a campaign with markers is "changed since
--    computed_at". platform.campaign_stats_to_roll_up() lists them (ids only) for the worker's
--    scheduled `roll-up-campaign-stats` job. Every existing campaign gets a marker here, so the
--    first run rolls them all up.
-- No foreign key to campaigns on the markers: a trigger firing while a campaign is deleted (its
-- messages' task_id set to NULL) must not fail on the campaign being gone; the rebuild of a
-- campaign that no longer exists just drops its markers. The triggers mark nothing for an
-- organisation being deleted (its row is gone when the cascades fire), so the markers' foreign
-- key to iam.organisations (ON DELETE CASCADE, as on every tenant table) never fails.

CREATE SCHEMA analytics;
COMMENT ON SCHEMA analytics IS
  'Derived figures rebuilt from the data (campaign stats rollups) and the change markers that say what to rebuild.';

CREATE TABLE analytics.campaign_stats_rollups (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL,
  step_id uuid,
  step_experiment_id uuid,
  variant_id uuid,
  mailbox_id uuid,
  day date,
  enrolled integer NOT NULL DEFAULT 0,
  assigned integer NOT NULL DEFAULT 0,
  sent integer NOT NULL DEFAULT 0,
  delivered integer NOT NULL DEFAULT 0,
  bounced integer NOT NULL DEFAULT 0,
  soft_bounced integer NOT NULL DEFAULT 0,
  unique_human_opens integer NOT NULL DEFAULT 0,
  total_opens integer NOT NULL DEFAULT 0,
  human_opens integer NOT NULL DEFAULT 0,
  machine_opens integer NOT NULL DEFAULT 0,
  human_replies integer NOT NULL DEFAULT 0,
  auto_replies integer NOT NULL DEFAULT 0,
  unsubscribes integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaign_stats_rollups_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT campaign_stats_rollups_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT campaign_stats_rollups_campaign_fkey FOREIGN KEY (organisation_id, campaign_id)
    REFERENCES outreach.campaigns (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT campaign_stats_rollups_counts_check CHECK (
    enrolled >= 0 AND assigned >= 0 AND sent >= 0 AND delivered >= 0 AND bounced >= 0
    AND soft_bounced >= 0 AND unique_human_opens >= 0 AND total_opens >= 0 AND human_opens >= 0
    AND machine_opens >= 0 AND human_replies >= 0 AND auto_replies >= 0 AND unsubscribes >= 0
  )
);
CREATE INDEX campaign_stats_rollups_campaign_day_idx
  ON analytics.campaign_stats_rollups (organisation_id, campaign_id, day);
COMMENT ON TABLE analytics.campaign_stats_rollups IS
  'A campaign''s figures per step, A/B variant, mailbox and local day, rebuilt from the data by the worker (never incremented). step_id NULL: enrollments; day NULL: variant assignments.';
COMMENT ON COLUMN analytics.campaign_stats_rollups.day IS
  'Day of the event in the campaign''s time zone: sent (sent, delivered, bounced), first human open, first open (total / human / machine opens), first reply of each kind, unsubscribe, enrollment.';

CREATE TABLE analytics.campaign_stats_rollup_states (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL,
  computed_at timestamptz NOT NULL,
  messages integer NOT NULL DEFAULT 0,
  duration_ms integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaign_stats_rollup_states_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT campaign_stats_rollup_states_campaign_key UNIQUE (organisation_id, campaign_id),
  CONSTRAINT campaign_stats_rollup_states_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT campaign_stats_rollup_states_campaign_fkey FOREIGN KEY (organisation_id, campaign_id)
    REFERENCES outreach.campaigns (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT campaign_stats_rollup_states_counts_check CHECK (messages >= 0 AND duration_ms >= 0)
);
COMMENT ON TABLE analytics.campaign_stats_rollup_states IS
  'When a campaign''s rollup was rebuilt (computed_at: it counts every change committed before then) and over how many outbound messages.';

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON analytics.campaign_stats_rollup_states
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE analytics.campaign_stats_changes (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaign_stats_changes_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT campaign_stats_changes_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE
);
CREATE INDEX campaign_stats_changes_campaign_idx
  ON analytics.campaign_stats_changes (organisation_id, campaign_id);
COMMENT ON TABLE analytics.campaign_stats_changes IS
  'Change markers: a campaign whose figures may have changed since its rollup (appended by statement triggers, deleted by the rebuild). No foreign key to campaigns on purpose (see V20251230_300000).';

-- Every existing campaign is rolled up by the first scheduled run (before RLS is forced: the
-- migration has no organisation set).
INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
SELECT organisation_id, id FROM outreach.campaigns;

GRANT USAGE ON SCHEMA analytics TO outreach_app;
GRANT SELECT, INSERT, DELETE ON analytics.campaign_stats_rollups TO outreach_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON analytics.campaign_stats_rollup_states TO outreach_app;
GRANT SELECT, INSERT, DELETE ON analytics.campaign_stats_changes TO outreach_app;
ALTER TABLE analytics.campaign_stats_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.campaign_stats_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics.campaign_stats_rollups
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
ALTER TABLE analytics.campaign_stats_rollup_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.campaign_stats_rollup_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics.campaign_stats_rollup_states
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
ALTER TABLE analytics.campaign_stats_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.campaign_stats_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics.campaign_stats_changes
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

-- The change triggers: SECURITY INVOKER (row-level security binds them like the statement that
-- fired them), one INSERT … SELECT over the statement's transition table. Every lookup is a
-- scalar subquery on a primary key, (organisation_id, id) both bound: the planner has no
-- statistics on a transition table (and none on tables not yet analysed), and a join left to it
-- scanned the organisation's rows once per changed row (30 s for 400 rows in a fresh database).
-- A statement of more than 200 rows (seeding, bulk fixes: never the apps' per-send, per-batch
-- writes) marks every campaign of its organisations instead: no lookups, a few extra rebuilds.

-- Outbound messages sent or bounced (their own campaign), inbound answers (the campaign of the
-- message they answer); queued, sending and failed messages count nowhere.
CREATE FUNCTION analytics.mark_changed_messages()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  IF (SELECT count(*) FROM changed_rows) > 200 THEN
    INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
    SELECT c.organisation_id, c.id
      FROM outreach.campaigns c
     WHERE c.organisation_id IN (SELECT DISTINCT n.organisation_id FROM changed_rows n)
       AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
    RETURN NULL;
  END IF;
  INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
  SELECT DISTINCT c.organisation_id, c.campaign_id
    FROM (SELECT k.organisation_id,
                 (SELECT t.campaign_id FROM outreach.tasks t
                   WHERE t.organisation_id = k.organisation_id AND t.id = k.task_id) AS campaign_id
            FROM (SELECT DISTINCT n.organisation_id,
                         coalesce(n.task_id,
                                  (SELECT a.task_id FROM outreach.messages a
                                    WHERE a.organisation_id = n.organisation_id
                                      AND a.id = n.replied_to_message_id)) AS task_id
                    FROM changed_rows n
                   WHERE n.status IN ('sent', 'bounced', 'received')) k
           WHERE k.task_id IS NOT NULL
          OFFSET 0) c
   WHERE c.campaign_id IS NOT NULL
     AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER campaign_stats_changed_on_insert AFTER INSERT ON outreach.messages
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_messages();
CREATE TRIGGER campaign_stats_changed_on_update AFTER UPDATE ON outreach.messages
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_messages();
CREATE TRIGGER campaign_stats_changed_on_delete AFTER DELETE ON outreach.messages
  REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_messages();

-- Open statistics: the campaign of the message opened.
CREATE FUNCTION analytics.mark_changed_opens()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  IF (SELECT count(*) FROM changed_rows) > 200 THEN
    INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
    SELECT c.organisation_id, c.id
      FROM outreach.campaigns c
     WHERE c.organisation_id IN (SELECT DISTINCT n.organisation_id FROM changed_rows n)
       AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
    RETURN NULL;
  END IF;
  INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
  SELECT DISTINCT c.organisation_id, c.campaign_id
    FROM (SELECT k.organisation_id,
                 (SELECT t.campaign_id FROM outreach.tasks t
                   WHERE t.organisation_id = k.organisation_id
                     AND t.id = (SELECT m.task_id FROM outreach.messages m
                                  WHERE m.organisation_id = k.organisation_id
                                    AND m.id = k.message_id)) AS campaign_id
            FROM (SELECT DISTINCT n.organisation_id, n.message_id FROM changed_rows n) k
          OFFSET 0) c
   WHERE c.campaign_id IS NOT NULL
     AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER campaign_stats_changed_on_insert AFTER INSERT ON tracking.message_open_stats
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_opens();
CREATE TRIGGER campaign_stats_changed_on_update AFTER UPDATE ON tracking.message_open_stats
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_opens();

-- Enrollments created or deleted (their status changes count nowhere: unsubscribes come from
-- the suppressions).
CREATE FUNCTION analytics.mark_changed_enrollments()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
  SELECT k.organisation_id, k.campaign_id
    FROM (SELECT DISTINCT n.organisation_id, n.campaign_id FROM changed_rows n) k
   WHERE EXISTS (SELECT FROM iam.organisations o WHERE o.id = k.organisation_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER campaign_stats_changed_on_insert AFTER INSERT ON outreach.campaign_enrollments
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_enrollments();
CREATE TRIGGER campaign_stats_changed_on_delete AFTER DELETE ON outreach.campaign_enrollments
  REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_enrollments();

-- A/B variant assignments: the campaign of the experiment's step.
CREATE FUNCTION analytics.mark_changed_assignments()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
  SELECT DISTINCT c.organisation_id, c.campaign_id
    FROM (SELECT k.organisation_id,
                 (SELECT s.campaign_id FROM outreach.workflow_steps s
                   WHERE s.organisation_id = k.organisation_id
                     AND s.id = (SELECT x.step_id FROM outreach.step_experiments x
                                  WHERE x.organisation_id = k.organisation_id
                                    AND x.id = k.experiment_id)) AS campaign_id
            FROM (SELECT DISTINCT n.organisation_id, n.experiment_id FROM changed_rows n) k
          OFFSET 0) c
   WHERE c.campaign_id IS NOT NULL
     AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER campaign_stats_changed_on_insert
  AFTER INSERT ON outreach.enrollment_step_variant_assignments
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_assignments();
CREATE TRIGGER campaign_stats_changed_on_delete
  AFTER DELETE ON outreach.enrollment_step_variant_assignments
  REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_assignments();

-- Unsubscribe suppressions: the campaign of their source message (the outbound message whose
-- one-click link was used, or the one an inbound "unsubscribe in words" answers).
CREATE FUNCTION analytics.mark_changed_suppressions()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  IF (SELECT count(*) FROM changed_rows) > 200 THEN
    INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
    SELECT c.organisation_id, c.id
      FROM outreach.campaigns c
     WHERE c.organisation_id IN (SELECT DISTINCT n.organisation_id FROM changed_rows n)
       AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
    RETURN NULL;
  END IF;
  INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
  SELECT DISTINCT c.organisation_id, c.campaign_id
    FROM (SELECT k.organisation_id,
                 (SELECT t.campaign_id FROM outreach.tasks t
                   WHERE t.organisation_id = k.organisation_id
                     AND t.id = (SELECT coalesce(m.task_id,
                                                 (SELECT a.task_id FROM outreach.messages a
                                                   WHERE a.organisation_id = m.organisation_id
                                                     AND a.id = m.replied_to_message_id))
                                   FROM outreach.messages m
                                  WHERE m.organisation_id = k.organisation_id
                                    AND m.id = k.source_message_id)) AS campaign_id
            FROM (SELECT DISTINCT n.organisation_id, n.source_message_id
                    FROM changed_rows n
                   WHERE n.reason = 'unsubscribed' AND n.source_message_id IS NOT NULL) k
          OFFSET 0) c
   WHERE c.campaign_id IS NOT NULL
     AND EXISTS (SELECT FROM iam.organisations o WHERE o.id = c.organisation_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER campaign_stats_changed_on_insert AFTER INSERT ON delivery.suppressions
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_suppressions();
CREATE TRIGGER campaign_stats_changed_on_delete AFTER DELETE ON delivery.suppressions
  REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics.mark_changed_suppressions();

-- A new time zone moves every event to another day.
CREATE FUNCTION analytics.mark_changed_campaign()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  INSERT INTO analytics.campaign_stats_changes (organisation_id, campaign_id)
  VALUES (NEW.organisation_id, NEW.id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER campaign_stats_changed_on_timezone AFTER UPDATE OF timezone ON outreach.campaigns
  FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone)
  EXECUTE FUNCTION analytics.mark_changed_campaign();

REVOKE EXECUTE ON FUNCTION analytics.mark_changed_messages() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION analytics.mark_changed_opens() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION analytics.mark_changed_enrollments() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION analytics.mark_changed_assignments() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION analytics.mark_changed_suppressions() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION analytics.mark_changed_campaign() FROM PUBLIC;

-- The worker's scheduled scan: the campaigns of every organisation with change markers, as ids.
GRANT USAGE ON SCHEMA analytics TO outreach_system;
GRANT SELECT (organisation_id, campaign_id) ON analytics.campaign_stats_changes TO outreach_system;
CREATE POLICY system_rollup_read ON analytics.campaign_stats_changes FOR SELECT TO outreach_system
  USING (true);

CREATE FUNCTION platform.campaign_stats_to_roll_up()
RETURNS TABLE (organisation_id uuid, campaign_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT DISTINCT c.organisation_id, c.campaign_id
    FROM analytics.campaign_stats_changes c
   ORDER BY c.organisation_id, c.campaign_id
$$;
COMMENT ON FUNCTION platform.campaign_stats_to_roll_up() IS
  'Lists the campaigns of every organisation whose stats changed since their rollup, as (organisation_id, campaign_id). Part of the only cross-organisation door (schema platform).';
ALTER FUNCTION platform.campaign_stats_to_roll_up() OWNER TO outreach_system;
REVOKE EXECUTE ON FUNCTION platform.campaign_stats_to_roll_up() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.campaign_stats_to_roll_up() TO outreach_app;
