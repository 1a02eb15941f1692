-- Undo V20251231_700000: sent_at back in the mailbox's and the address's indexes, fillfactor 100.
ALTER TABLE outreach.messages RESET (fillfactor);
DROP INDEX outreach.messages_to_email_idx;
CREATE INDEX messages_to_email_sent_at_idx
  ON outreach.messages (organisation_id, to_email_key, sent_at) WHERE direction = 'outbound';
CREATE INDEX messages_mailbox_sent_at_idx ON outreach.messages (organisation_id, mailbox_id, sent_at)
  WHERE direction = 'outbound';
