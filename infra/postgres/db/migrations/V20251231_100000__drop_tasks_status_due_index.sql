-- Enrolling 100,000 positions (issue 10, point 6) writes 100,000 first tasks: one index entry
-- fewer per task. outreach.tasks_status_due_idx (organisation_id, status, due_at) serves no
-- query: the worker claims due tasks across organisations through tasks_due_idx (partial, pending)
-- and expired leases through tasks_lock_expiry_idx; the api lists a campaign's tasks by
-- campaign (tasks_enrollment_step_key, tasks_step_idx: organisation_id, campaign_id first) and
-- id; the statistics read a campaign's tasks by tasks_step_idx. No foreign key relies on it.
DROP INDEX outreach.tasks_status_due_idx;
