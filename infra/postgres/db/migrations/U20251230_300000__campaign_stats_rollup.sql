-- Undo V20251230_300000: the campaign stats rollup (schema analytics), its change triggers and
-- the system function that lists the campaigns to roll up.
REVOKE EXECUTE ON FUNCTION platform.campaign_stats_to_roll_up() FROM outreach_app;
DROP FUNCTION platform.campaign_stats_to_roll_up();

DROP TRIGGER campaign_stats_changed_on_timezone ON outreach.campaigns;
DROP TRIGGER campaign_stats_changed_on_delete ON delivery.suppressions;
DROP TRIGGER campaign_stats_changed_on_insert ON delivery.suppressions;
DROP TRIGGER campaign_stats_changed_on_delete ON outreach.enrollment_step_variant_assignments;
DROP TRIGGER campaign_stats_changed_on_insert ON outreach.enrollment_step_variant_assignments;
DROP TRIGGER campaign_stats_changed_on_delete ON outreach.campaign_enrollments;
DROP TRIGGER campaign_stats_changed_on_insert ON outreach.campaign_enrollments;
DROP TRIGGER campaign_stats_changed_on_update ON tracking.message_open_stats;
DROP TRIGGER campaign_stats_changed_on_insert ON tracking.message_open_stats;
DROP TRIGGER campaign_stats_changed_on_delete ON outreach.messages;
DROP TRIGGER campaign_stats_changed_on_update ON outreach.messages;
DROP TRIGGER campaign_stats_changed_on_insert ON outreach.messages;

REVOKE ALL ON ALL TABLES IN SCHEMA analytics FROM outreach_system;
REVOKE ALL ON ALL TABLES IN SCHEMA analytics FROM outreach_app;
REVOKE USAGE ON SCHEMA analytics FROM outreach_system;
REVOKE USAGE ON SCHEMA analytics FROM outreach_app;
DROP SCHEMA analytics CASCADE;
