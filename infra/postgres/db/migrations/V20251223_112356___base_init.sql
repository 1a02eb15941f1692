-- Base: extensions, the iam and crm schemas, and helpers shared by every schema.
-- Plain SQL, transactional, valid on PostgreSQL 15 to 18. No Flyway placeholders.

-- citext: case-insensitive e-mail addresses and domains. pgcrypto: gen_random_bytes()
-- for tracking tokens (gen_random_uuid() is core since PostgreSQL 13).
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE SCHEMA iam;
COMMENT ON SCHEMA iam IS 'Identity and access: organisations (the tenants), users, memberships.';

CREATE SCHEMA crm;
COMMENT ON SCHEMA crm IS 'Prospecting data of each organisation: companies, people, positions.';

-- Shared trigger function: keeps updated_at current on every mutable table
-- (BEFORE UPDATE ... FOR EACH ROW EXECUTE FUNCTION public.set_updated_at()).
-- Lives in public, beside the extensions, because tables of all four schemas use it.
CREATE FUNCTION public.set_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
COMMENT ON FUNCTION public.set_updated_at() IS
  'BEFORE UPDATE row trigger: sets updated_at to now() (the transaction start time).';

-- IANA time zone names ('Europe/Paris', 'America/Argentina/Buenos_Aires', 'UTC').
-- Rejects abbreviations and POSIX offsets such as 'CET' or 'UTC+3', then asks the
-- server's time zone database. Declared IMMUTABLE so CHECK constraints may use it
-- (IANA names are only ever added, not removed).
CREATE FUNCTION public.is_valid_time_zone(tz text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF tz !~ '^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$' OR char_length(tz) > 64 THEN
    RETURN false;
  END IF;
  PERFORM timestamptz '2000-01-01 00:00:00+00' AT TIME ZONE tz;
  RETURN true;
EXCEPTION
  WHEN invalid_parameter_value THEN
    RETURN false;
END;
$$;
COMMENT ON FUNCTION public.is_valid_time_zone(text) IS
  'True for an IANA time zone name known to the server (Area/Location or UTC).';
