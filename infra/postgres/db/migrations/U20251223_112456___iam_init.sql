-- Undo V20251223_112456: drops the iam tables and functions, in reverse order.
DROP TABLE iam.organisation_users;
DROP TABLE iam.users;
DROP TABLE iam.organisations;
DROP FUNCTION iam.organisations_set_slug();
DROP FUNCTION iam.slugify(text);
