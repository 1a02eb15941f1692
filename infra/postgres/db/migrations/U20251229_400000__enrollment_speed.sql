-- Undo V20251229_400000: the indexes of outreach.campaign_enrollments as before.
DROP INDEX outreach.campaign_enrollments_current_step_idx;
CREATE INDEX campaign_enrollments_current_step_idx
  ON outreach.campaign_enrollments (organisation_id, campaign_id, current_step_id);
DROP INDEX outreach.campaign_enrollments_campaign_status_idx;
CREATE INDEX campaign_enrollments_campaign_status_idx
  ON outreach.campaign_enrollments (organisation_id, campaign_id, status);

CREATE INDEX campaign_enrollments_position_idx
  ON outreach.campaign_enrollments (organisation_id, position_id);
ALTER TABLE outreach.campaign_enrollments
  DROP CONSTRAINT campaign_enrollments_campaign_position_key,
  ADD CONSTRAINT campaign_enrollments_campaign_position_key
    UNIQUE (organisation_id, campaign_id, position_id);
