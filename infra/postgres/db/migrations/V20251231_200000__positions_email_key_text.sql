-- Importing 100,000 Pharow rows (issue 11, point 7): the unique e-mail key of crm.positions
-- moves from the citext column `email` to its generated text twin `email_key`
-- (lower(email::text), V20251227_110000), under the same constraint name, positions_email_key.
--
-- Why: every comparison in a citext btree folds both sides to lower case (citextcmp →
-- str_tolower: towlower and a multibyte round trip per character), 15–20 % of inserting a
-- position in perf; email_key holds the folded value once, compared as plain text. And the
-- plain (organisation_id, email_key) index the merge matched on becomes the unique key itself:
-- one index entry fewer per position.
--
-- Nothing changes for the data: citext equality is lower(a) = lower(b) with the database's
-- collation, which is exactly email_key = email_key; NULL e-mails stay unconstrained. A
-- duplicate still fails with 23505 on positions_email_key (the API's 409 names it). What moves:
-- an index-backed look-up of a position by address is `email_key = lower($1)` (text equality is
-- leakproof, so it is index-backed under row-level security too; citext `email = $1` never was).
ALTER TABLE crm.positions DROP CONSTRAINT positions_email_key;
DROP INDEX crm.positions_email_key_idx;
ALTER TABLE crm.positions ADD CONSTRAINT positions_email_key UNIQUE (organisation_id, email_key);
COMMENT ON COLUMN crm.positions.email_key IS
  'lower(email) as text (generated): the unique e-mail key (positions_email_key) and index-backed e-mail matching under row-level security.';
