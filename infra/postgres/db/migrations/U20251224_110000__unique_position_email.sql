-- Undo V20251224_110000: back to a plain (non-unique) e-mail lookup index.
CREATE INDEX positions_email_idx ON crm.positions (organisation_id, email);

ALTER TABLE crm.positions DROP CONSTRAINT positions_email_key;
