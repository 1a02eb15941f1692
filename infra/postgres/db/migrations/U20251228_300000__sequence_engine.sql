-- Undo V20251228_300000: the per-mailbox creation-time index of outbound messages.
DROP INDEX outreach.messages_mailbox_created_at_idx;
