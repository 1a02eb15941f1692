-- delivery.daily_sends: how many e-mails a mailbox sent for a campaign on a day.
--
-- The engine enforces the mailbox's daily cap and warm-up ramp, the campaign's daily limit and the
-- mailbox's minimum spacing under a per-mailbox lock. Counting the day's messages inside that lock
-- made every send of a mailbox slower than the one before (a scan of the day's messages) while the
-- others waited; one row per (mailbox, day, campaign), read and incremented as the last statements
-- of the send's transaction, keeps the lock to a few index lookups and one update.
-- `day` is the campaign's local day (its timezone). A mailbox's sends of a day are the sum over
-- its campaigns; a campaign's, the sum over its mailboxes (normally one).
CREATE TABLE delivery.daily_sends (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  mailbox_id uuid NOT NULL,
  campaign_id uuid NOT NULL,
  day date NOT NULL,
  sends integer NOT NULL DEFAULT 0,
  last_send_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT daily_sends_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT daily_sends_mailbox_day_campaign_key UNIQUE (organisation_id, mailbox_id, day, campaign_id),
  CONSTRAINT daily_sends_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT daily_sends_mailbox_fkey FOREIGN KEY (organisation_id, mailbox_id)
    REFERENCES delivery.mailboxes (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT daily_sends_campaign_fkey FOREIGN KEY (organisation_id, campaign_id)
    REFERENCES outreach.campaigns (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT daily_sends_sends_check CHECK (sends >= 0),
  CONSTRAINT daily_sends_last_send_at_check CHECK ((sends = 0) = (last_send_at IS NULL))
);
CREATE INDEX daily_sends_campaign_day_idx ON delivery.daily_sends (organisation_id, campaign_id, day);
COMMENT ON TABLE delivery.daily_sends IS
  'E-mails a mailbox sent for a campaign on the campaign''s local day: the counters of the daily cap, warm-up ramp, daily limit and spacing.';
COMMENT ON COLUMN delivery.daily_sends.sends IS
  'Messages written for sending that day (a send that then fails still counts: caps are never exceeded).';

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON delivery.daily_sends
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

GRANT SELECT, INSERT, UPDATE, DELETE ON delivery.daily_sends TO outreach_app;
ALTER TABLE delivery.daily_sends ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery.daily_sends FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery.daily_sends
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
