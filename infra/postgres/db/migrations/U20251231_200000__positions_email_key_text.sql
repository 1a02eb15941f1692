-- Undo V20251231_200000: the unique e-mail key of crm.positions on the citext column again, and
-- the plain index on email_key back.
ALTER TABLE crm.positions DROP CONSTRAINT positions_email_key;
ALTER TABLE crm.positions ADD CONSTRAINT positions_email_key UNIQUE (organisation_id, email);
CREATE INDEX positions_email_key_idx ON crm.positions (organisation_id, email_key);
COMMENT ON COLUMN crm.positions.email_key IS
  'lower(email) as text (generated): index-backed e-mail matching under row-level security.';
