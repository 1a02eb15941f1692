-- The sequence engine's reads on outreach.messages.
--
-- Before each send the worker counts the mailbox's outbound messages of the day (daily cap and
-- warm-up ramp), the campaign's among them (daily limit) and finds the mailbox's latest one
-- (minimum spacing), under a per-mailbox advisory lock. A message is counted from the moment it
-- is written (status sending), before it has a sent_at: hence created_at, not sent_at (the
-- existing messages_mailbox_sent_at_idx serves the sent-time reports).
CREATE INDEX messages_mailbox_created_at_idx
  ON outreach.messages (organisation_id, mailbox_id, created_at)
  WHERE direction = 'outbound';
