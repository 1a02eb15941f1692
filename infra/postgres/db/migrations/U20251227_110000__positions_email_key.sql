-- Undo V20251227_110000: the generated email_key of crm.positions and its index.
DROP INDEX crm.positions_email_key_idx;
ALTER TABLE crm.positions DROP COLUMN email_key;
