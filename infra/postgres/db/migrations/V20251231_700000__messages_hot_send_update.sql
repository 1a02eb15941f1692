-- The send's update of outreach.messages (sending → sent: status, sent_at, error, updated_at) wrote
-- a new entry into each of the table's twelve indexes, because two of them held sent_at: after
-- this migration no index holds a column that update changes, so PostgreSQL can make it a HOT
-- update (heap-only: the new row version on the same page, no index entry), given free space on
-- the page — hence the fillfactor.
-- - messages_mailbox_sent_at_idx served the daily cap's count of a mailbox's messages; the engine
--   counts in delivery.daily_sends since V20251228_300000, and nothing reads messages by
--   (mailbox_id, sent_at) any more. messages_mailbox_idx still serves the mailbox foreign key.
-- - messages_to_email_sent_at_idx served inbound mail's look-ups by address (the latest message
--   sent to it, the last five for soft bounces): by address alone, the few messages one address
--   received are sorted by sent_at after the index condition.
-- - fillfactor 70: a row is written at `sending` and updated once, within seconds, to `sent`; the
--   30 % left free on each page holds that new version (and pruning reclaims the old one).
DROP INDEX outreach.messages_mailbox_sent_at_idx;
DROP INDEX outreach.messages_to_email_sent_at_idx;
CREATE INDEX messages_to_email_idx
  ON outreach.messages (organisation_id, to_email_key) WHERE direction = 'outbound';
ALTER TABLE outreach.messages SET (fillfactor = 70);
