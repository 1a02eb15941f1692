-- iam: organisations (the tenants), users (identities from the external identity
-- provider; no passwords here) and organisation_users (memberships with a role).

-- Slug of a name: accents stripped (French names), lower case, every run of other
-- characters becomes one '-', no leading or trailing '-'. Works without unaccent.
CREATE FUNCTION iam.slugify(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT btrim(
    regexp_replace(
      lower(
        translate(
          replace(replace(replace(replace(replace(value,
            'Æ', 'AE'), 'æ', 'ae'), 'Œ', 'OE'), 'œ', 'oe'), 'ß', 'ss'),
          'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝŸýÿ',
          'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYYyy'
        )
      ),
      '[^a-z0-9]+', '-', 'g'
    ),
    '-'
  )
$$;
COMMENT ON FUNCTION iam.slugify(text) IS
  'URL slug of a name: accents stripped, lower case, non-alphanumerics become "-".';

CREATE TABLE iam.organisations (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organisations_pkey PRIMARY KEY (id),
  CONSTRAINT organisations_slug_key UNIQUE (slug),
  CONSTRAINT organisations_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200),
  CONSTRAINT organisations_slug_check
    CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 63)
);
COMMENT ON TABLE iam.organisations IS
  'The tenants. Every other table except iam.users belongs to exactly one organisation.';
COMMENT ON COLUMN iam.organisations.slug IS
  'Unique URL name; derived from name on insert when not given (collisions get -2, -3, ...). Never changes with the name.';

-- Fills slug from name when the insert leaves it out. SECURITY DEFINER so that the
-- collision check sees every organisation even when row-level security hides them
-- from the caller. A transaction-scoped advisory lock per base slug serialises
-- concurrent inserts of the same name (safe behind pgBouncer in transaction mode).
CREATE FUNCTION iam.organisations_set_slug() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  base text;
  candidate text;
  n integer := 1;
BEGIN
  IF NEW.slug IS NOT NULL THEN
    RETURN NEW;
  END IF;
  base := rtrim(left(coalesce(nullif(iam.slugify(NEW.name), ''), 'organisation'), 50), '-');
  PERFORM pg_advisory_xact_lock(hashtext('iam.organisations.slug'), hashtext(base));
  candidate := base;
  WHILE EXISTS (SELECT 1 FROM iam.organisations WHERE slug = candidate) LOOP
    n := n + 1;
    candidate := base || '-' || n;
  END LOOP;
  NEW.slug := candidate;
  RETURN NEW;
END;
$$;

CREATE TRIGGER organisations_set_slug
  BEFORE INSERT ON iam.organisations
  FOR EACH ROW EXECUTE FUNCTION iam.organisations_set_slug();
CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON iam.organisations
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE iam.users (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  email citext NOT NULL,
  first_name text,
  last_name text,
  idp_subject text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT users_idp_subject_key UNIQUE (idp_subject),
  CONSTRAINT users_email_check
    CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND char_length(email) <= 254),
  CONSTRAINT users_first_name_check CHECK (char_length(first_name) <= 100),
  CONSTRAINT users_last_name_check CHECK (char_length(last_name) <= 100),
  CONSTRAINT users_idp_subject_check CHECK (idp_subject <> '' AND char_length(idp_subject) <= 255)
);
COMMENT ON TABLE iam.users IS
  'People who log in. Global (not per organisation); authentication is an external identity provider (JWT), so no password.';
COMMENT ON COLUMN iam.users.email IS 'Login e-mail, unique case-insensitively (citext).';
COMMENT ON COLUMN iam.users.idp_subject IS
  'The identity provider''s subject (JWT "sub") when it is not this user''s id; optional.';

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON iam.users
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE iam.organisation_users (
  organisation_id uuid NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL DEFAULT 'member',
  status text NOT NULL DEFAULT 'invited',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organisation_users_pkey PRIMARY KEY (organisation_id, user_id),
  CONSTRAINT organisation_users_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT organisation_users_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES iam.users (id) ON DELETE CASCADE,
  CONSTRAINT organisation_users_role_check CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  CONSTRAINT organisation_users_status_check CHECK (status IN ('invited', 'active', 'suspended'))
);
COMMENT ON TABLE iam.organisation_users IS
  'Membership of a user in an organisation, with a role; the guard resolves (organisation_id, user_id) here.';

-- Tenancy exception (infra/postgres/db/tenancy-exceptions.json): a user's
-- organisations are listed at login, before any organisation is chosen, and
-- deleting a user cascades through this index.
CREATE INDEX organisation_users_user_id_idx ON iam.organisation_users (user_id);

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON iam.organisation_users
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
