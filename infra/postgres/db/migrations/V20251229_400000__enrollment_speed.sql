-- Enrolling 100,000 positions in one call (issue 10, point 6): the indexes of
-- outreach.campaign_enrollments, so that the first large enrollment of a new database is not
-- quadratic, and one fewer index written per enrollment. No key changes its columns:
-- tasks_enrollment_fkey still references (organisation_id, campaign_id, id), so a task's
-- enrollment belongs to the task's campaign and organisation, and (organisation_id,
-- campaign_id, position_id) stays unique.
--
-- Why: every new task's foreign-key check runs
--   SELECT 1 FROM ONLY outreach.campaign_enrollments x
--    WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3 FOR KEY SHARE OF x
-- with a plan made once per server connection. When the table's statistics are those of an
-- empty or near-empty table (a new database: analysed before its first enrollments), the
-- planner believes that (organisation_id, campaign_id) matches at most one row, so every index
-- with those columns (directly, or with PostgreSQL 18's skip scan) costs the same as the unique
-- key, and PostgreSQL took the smallest of the equals: the non-unique (and deduplicated)
-- campaign_enrollments_current_step_idx. Each check then read the campaign's enrollments
-- (10,000 positions: 7 to 9 s; 20,000: 61 s in these checks alone). Now no index the check
-- can search by (organisation_id, campaign_id) lacks id, and the unique key, created again
-- here last, wins exact ties (test/schema/enrollment-keys.int-spec.ts holds the plan for a
-- table analysed while empty). Not covered: statistics taken from a single row make
-- organisation_id look unique too, and then an index of all-NULL values (exit_message_idx)
-- is the cheapest-looking; autovacuum analyses only after 50 rows.
--
-- - campaign_position_key: (organisation_id, position_id, campaign_id), the same unique set,
--   which also serves the lookups by position (the position's ON DELETE CASCADE, inbound
--   matching), so campaign_enrollments_position_idx (organisation_id, position_id) goes: one
--   fewer index written per enrollment.
-- - campaign_status_idx and current_step_idx end with id: (organisation_id, campaign_id,
--   status, id) and (organisation_id, campaign_id, current_step_id, id). The same queries use
--   them (a campaign's enrollments by status, in id order for the keyset pages; the step's
--   ON DELETE SET NULL), and should the check take one of them, it finds its row by id (a skip
--   over a handful of statuses or steps) instead of reading the campaign. Without id, a
--   campaign's 100,000 rows of the same status and step were the smallest index of the table
--   (deduplicated) and so the cheapest-looking.
ALTER TABLE outreach.campaign_enrollments
  DROP CONSTRAINT campaign_enrollments_campaign_position_key,
  ADD CONSTRAINT campaign_enrollments_campaign_position_key
    UNIQUE (organisation_id, position_id, campaign_id);
DROP INDEX outreach.campaign_enrollments_position_idx;

DROP INDEX outreach.campaign_enrollments_campaign_status_idx;
CREATE INDEX campaign_enrollments_campaign_status_idx
  ON outreach.campaign_enrollments (organisation_id, campaign_id, status, id);
DROP INDEX outreach.campaign_enrollments_current_step_idx;
CREATE INDEX campaign_enrollments_current_step_idx
  ON outreach.campaign_enrollments (organisation_id, campaign_id, current_step_id, id);

-- Last: the target of tasks_enrollment_fkey, created again after every other index.
ALTER TABLE outreach.tasks DROP CONSTRAINT tasks_enrollment_fkey;
ALTER TABLE outreach.campaign_enrollments
  DROP CONSTRAINT campaign_enrollments_campaign_id_key,
  ADD CONSTRAINT campaign_enrollments_campaign_id_key UNIQUE (organisation_id, campaign_id, id);
ALTER TABLE outreach.tasks
  ADD CONSTRAINT tasks_enrollment_fkey FOREIGN KEY (organisation_id, campaign_id, enrollment_id)
    REFERENCES outreach.campaign_enrollments (organisation_id, campaign_id, id) ON DELETE CASCADE;
