-- Undo V20251228_200000: open classification columns, exit_message_id, organisations.track_opens.
COMMENT ON COLUMN tracking.message_open_stats.human_open_count IS NULL;
COMMENT ON COLUMN tracking.message_open_stats.proxy_open_count IS
  'Fetches by privacy/image proxies that prefetch without a human (Apple Mail Privacy Protection, Google image proxy).';
COMMENT ON COLUMN tracking.message_open_stats.bot_open_count IS 'Fetches by security scanners and other bots.';
ALTER TABLE tracking.message_open_stats
  DROP CONSTRAINT message_open_stats_last_ip_network_check,
  DROP CONSTRAINT message_open_stats_last_open_reason_kind_check,
  DROP CONSTRAINT message_open_stats_last_open_reason_check,
  DROP COLUMN last_ip_network,
  DROP COLUMN last_open_reason,
  DROP COLUMN machine_open_count;

DROP INDEX outreach.campaign_enrollments_exit_message_idx;
ALTER TABLE outreach.campaign_enrollments
  DROP CONSTRAINT campaign_enrollments_exit_message_check,
  DROP CONSTRAINT campaign_enrollments_exit_message_fkey,
  DROP COLUMN exit_message_id;

ALTER TABLE iam.organisations DROP COLUMN track_opens;
