-- A position's e-mail address identifies it within an organisation: importing the same address
-- twice (two Pharow lists, a CSV re-import) is a duplicate the API answers with 409, not a second
-- prospect to write to. Addresses stay free across organisations; positions without an e-mail
-- (NULL) are not constrained. The unique constraint's index also serves the e-mail lookups
-- (reply matching, suppression), so the plain index it replaces goes.
ALTER TABLE crm.positions
  ADD CONSTRAINT positions_email_key UNIQUE (organisation_id, email);

DROP INDEX crm.positions_email_idx;
