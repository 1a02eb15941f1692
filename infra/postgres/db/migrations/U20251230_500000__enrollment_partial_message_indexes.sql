-- Undo V20251230_500000: the full indexes behind campaign_enrollments' message keys again.
DROP INDEX outreach.campaign_enrollments_exit_message_idx;
CREATE INDEX campaign_enrollments_exit_message_idx
  ON outreach.campaign_enrollments (organisation_id, exit_message_id);

DROP INDEX outreach.campaign_enrollments_pause_message_idx;
CREATE INDEX campaign_enrollments_pause_message_idx
  ON outreach.campaign_enrollments (organisation_id, pause_message_id);
