-- Undo V20251223_112543: drops the crm tables and functions, in reverse order.
DROP TABLE crm.positions;
DROP TABLE crm.people;
DROP TABLE crm.companies;
DROP FUNCTION crm.is_valid_siren(text);
