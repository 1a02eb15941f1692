-- Undo V20251223_112356: drops what the base migration created, in reverse order.
-- Schemas and extensions are dropped without CASCADE: if anything else still uses
-- them, the undo fails (and changes nothing) instead of destroying it.
DROP FUNCTION public.is_valid_time_zone(text);
DROP FUNCTION public.set_updated_at();
DROP SCHEMA crm;
DROP SCHEMA iam;
DROP EXTENSION IF EXISTS pgcrypto;
DROP EXTENSION IF EXISTS citext;
