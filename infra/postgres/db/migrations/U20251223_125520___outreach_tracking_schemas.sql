-- Undo V20251223_125520: drops the (by now empty) tracking and outreach schemas.
DROP SCHEMA tracking;
DROP SCHEMA outreach;
