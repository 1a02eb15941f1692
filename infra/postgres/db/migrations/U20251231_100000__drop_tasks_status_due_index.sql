-- Undo V20251231_100000: the organisation's tasks by status and due time again.
CREATE INDEX tasks_status_due_idx ON outreach.tasks (organisation_id, status, due_at);
