-- The outreach and tracking schemas (their tables come in the next two migrations).
CREATE SCHEMA outreach;
COMMENT ON SCHEMA outreach IS
  'Campaigns and their execution: steps, prompts, A/B experiments, enrollments, tasks, messages.';

CREATE SCHEMA tracking;
COMMENT ON SCHEMA tracking IS 'Open tracking: pixels (token to message) and per-message open statistics.';
