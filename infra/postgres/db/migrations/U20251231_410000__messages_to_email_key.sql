-- Undo V20251231_410000: the address index on the citext to_email again, no to_email_key.
DROP INDEX outreach.messages_to_email_sent_at_idx;
CREATE INDEX messages_to_email_sent_at_idx ON outreach.messages (organisation_id, to_email, sent_at)
  WHERE direction = 'outbound';
ALTER TABLE outreach.messages DROP COLUMN to_email_key;
