-- Inbound mail finds the outbound message a reply or a bounce answers by its address
-- (InboundMailRepository: the latest message sent to that address from the mailbox, and the last
-- five for soft bounces). It compared the citext to_email, whose = is not LEAKPROOF: as
-- outreach_app_user (row-level security) that cannot be an index condition, so every inbound
-- mail read the organisation's outbound messages — linear in everything it ever sent. As for
-- crm.positions.email_key and delivery.suppressions.value_key: a stored generated text key,
-- to_email_key = lower(to_email), and messages_to_email_sent_at_idx on it (same name, same
-- partial predicate, sent_at still last for the newest first).
ALTER TABLE outreach.messages
  ADD COLUMN to_email_key text GENERATED ALWAYS AS (lower(to_email::text)) STORED;
COMMENT ON COLUMN outreach.messages.to_email_key IS
  'lower(to_email) as text: the look-up key by address (text equality is leakproof, so an index condition under row-level security).';
DROP INDEX outreach.messages_to_email_sent_at_idx;
CREATE INDEX messages_to_email_sent_at_idx
  ON outreach.messages (organisation_id, to_email_key, sent_at) WHERE direction = 'outbound';
