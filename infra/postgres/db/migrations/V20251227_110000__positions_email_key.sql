-- crm.positions.email_key: the e-mail address folded to lower case as plain text, stored and
-- indexed per organisation. citext's equality is not leakproof, so under row-level security
-- PostgreSQL will not use it to drive an index scan of crm.positions (the policy qual must run
-- first): matching a batch of imported addresses against the organisation's positions by
-- `email` scans all of them. Text equality on email_key is leakproof and uses this index; it
-- matches exactly what citext equality matches (citext compares lower() of both sides).
ALTER TABLE crm.positions
  ADD COLUMN email_key text GENERATED ALWAYS AS (lower(email::text)) STORED;
CREATE INDEX positions_email_key_idx ON crm.positions (organisation_id, email_key);
COMMENT ON COLUMN crm.positions.email_key IS
  'lower(email) as text (generated): index-backed e-mail matching under row-level security.';
