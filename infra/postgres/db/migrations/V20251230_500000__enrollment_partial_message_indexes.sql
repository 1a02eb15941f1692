-- The two indexes behind campaign_enrollments' message keys become partial (WHERE … IS NOT NULL).
-- exit_message_id and pause_message_id are NULL on almost every enrollment (only an exit caused
-- by a message, or an out-of-office pause, sets them), so the full indexes held one NULL entry per
-- enrollment: two index insertions per enrolled position for nothing (issue 10's 100,000-position
-- enrollment), and a hazard: with statistics taken while the table held a single row, the
-- planner costed these indexes like the unique key for the tasks' enrollment-key check
-- (organisation_id, campaign_id, id) and then scanned every NULL entry of the organisation per
-- new task. A partial index cannot serve that check (its predicate is not implied), and it still
-- serves the keys' own look-ups: ON DELETE SET NULL of a message searches
-- (organisation_id, exit_message_id) = ($1, $2), and `= $2` implies IS NOT NULL.
DROP INDEX outreach.campaign_enrollments_exit_message_idx;
CREATE INDEX campaign_enrollments_exit_message_idx
  ON outreach.campaign_enrollments (organisation_id, exit_message_id)
  WHERE exit_message_id IS NOT NULL;

DROP INDEX outreach.campaign_enrollments_pause_message_idx;
CREATE INDEX campaign_enrollments_pause_message_idx
  ON outreach.campaign_enrollments (organisation_id, pause_message_id)
  WHERE pause_message_id IS NOT NULL;
