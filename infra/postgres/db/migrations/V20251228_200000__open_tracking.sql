-- Open tracking and one-click unsubscribe (issue 14).
--
-- 1. iam.organisations.track_opens: an organisation can switch open tracking off (the engine
--    then puts no pixel in its mail, like outreach.campaigns.track_opens for one campaign).
-- 2. outreach.campaign_enrollments.exit_message_id: the message that caused an exit (the one
--    whose List-Unsubscribe link was used, the one that bounced), kept with the reason.
-- 3. tracking.message_open_stats: every open is human or machine with a reason. The machine
--    opens stay split as before (proxy: Apple Mail Privacy Protection; bot: security scanners,
--    link checkers, prefetch, empty user agents, opens too soon after the send) and their sum is
--    kept as machine_open_count. Google's and Yahoo's image proxies fetch on a person's behalf
--    and count as human. The last open's network is kept truncated (IPv4 /24, IPv6 /48), never
--    the whole address.

ALTER TABLE iam.organisations
  ADD COLUMN track_opens boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN iam.organisations.track_opens IS
  'Open tracking for the whole organisation: false puts no pixel in any mail (campaigns.track_opens switches one campaign).';

ALTER TABLE outreach.campaign_enrollments
  ADD COLUMN exit_message_id uuid,
  ADD CONSTRAINT campaign_enrollments_exit_message_fkey FOREIGN KEY (organisation_id, exit_message_id)
    REFERENCES outreach.messages (organisation_id, id) ON DELETE SET NULL (exit_message_id),
  ADD CONSTRAINT campaign_enrollments_exit_message_check
    CHECK (exit_message_id IS NULL OR status = 'exited');
CREATE INDEX campaign_enrollments_exit_message_idx
  ON outreach.campaign_enrollments (organisation_id, exit_message_id);
COMMENT ON COLUMN outreach.campaign_enrollments.exit_message_id IS
  'Message that caused the exit (unsubscribe link used, bounce, reply), when one did; NULL when the message was deleted.';

ALTER TABLE tracking.message_open_stats
  ADD COLUMN machine_open_count integer GENERATED ALWAYS AS (proxy_open_count + bot_open_count) STORED,
  ADD COLUMN last_open_reason text,
  ADD COLUMN last_ip_network cidr,
  ADD CONSTRAINT message_open_stats_last_open_reason_check CHECK (last_open_reason IN (
    'mail_client', 'google_image_proxy', 'yahoo_image_proxy',
    'apple_mpp', 'security_scanner', 'empty_user_agent', 'prefetch', 'too_soon'
  )),
  -- A reason goes with a kind (rows written before this migration have a kind and no reason).
  ADD CONSTRAINT message_open_stats_last_open_reason_kind_check
    CHECK (last_open_reason IS NULL OR last_open_kind IS NOT NULL),
  -- Privacy: never a whole address, at most the /24 (IPv4) or /48 (IPv6) network.
  ADD CONSTRAINT message_open_stats_last_ip_network_check CHECK (
    masklen(last_ip_network) <= CASE family(last_ip_network) WHEN 4 THEN 24 ELSE 48 END
  );
COMMENT ON COLUMN tracking.message_open_stats.machine_open_count IS
  'Machine fetches (= proxy + bot, generated); open_count = human_open_count + machine_open_count.';
COMMENT ON COLUMN tracking.message_open_stats.human_open_count IS
  'Fetches by a person: a mail client, or Google''s / Yahoo''s image proxy fetching on their behalf.';
COMMENT ON COLUMN tracking.message_open_stats.proxy_open_count IS
  'Machine fetches by Apple Mail Privacy Protection, which prefetches every image without a person.';
COMMENT ON COLUMN tracking.message_open_stats.bot_open_count IS
  'Machine fetches by security scanners and link checkers, prefetches, empty user agents and fetches too soon after the send.';
COMMENT ON COLUMN tracking.message_open_stats.last_open_reason IS
  'Why the last fetch was classified as it was: mail_client, google_image_proxy, yahoo_image_proxy (human); apple_mpp, security_scanner, empty_user_agent, prefetch, too_soon (machine).';
COMMENT ON COLUMN tracking.message_open_stats.last_ip_network IS
  'Network of the last fetch, truncated to /24 (IPv4) or /48 (IPv6): the whole address is never stored.';
