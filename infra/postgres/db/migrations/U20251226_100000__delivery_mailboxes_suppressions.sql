-- Undo V20251226_100000: the delivery schema, and the mailbox foreign keys of campaigns and
-- messages (the mailbox_id columns stay, as the seed created them).
ALTER TABLE outreach.messages DROP CONSTRAINT messages_mailbox_fkey;
ALTER TABLE outreach.campaigns DROP CONSTRAINT campaigns_mailbox_fkey;
DROP INDEX outreach.messages_mailbox_idx;
DROP INDEX outreach.campaigns_mailbox_idx;
REVOKE ALL ON ALL TABLES IN SCHEMA delivery FROM outreach_app;
REVOKE USAGE ON SCHEMA delivery FROM outreach_app;
DROP TABLE delivery.suppressions;
DROP TABLE delivery.mailboxes;
DROP SCHEMA delivery;
