-- crm: the prospecting data of each organisation. A position is one person at one
-- company and carries the professional e-mail address; people have no e-mail.
-- Every table: primary key (organisation_id, id), composite foreign keys that include
-- organisation_id, indexes that start with organisation_id.

-- SIREN (French company number): 9 digits whose Luhn checksum is valid.
CREATE FUNCTION crm.is_valid_siren(siren text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN siren ~ '^[0-9]{9}$' THEN (
      SELECT sum(CASE WHEN i % 2 = 0 THEN (d * 2) / 10 + (d * 2) % 10 ELSE d END) % 10 = 0
      FROM (SELECT i, substr(siren, i, 1)::integer AS d FROM generate_series(1, 9) AS i) AS digits
    )
    ELSE false
  END
$$;
COMMENT ON FUNCTION crm.is_valid_siren(text) IS 'True for 9 digits with a valid Luhn checksum.';

CREATE TABLE crm.companies (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  website_url text,
  domain citext,
  linkedin_url text,
  pharow_company_id text,
  siren text,
  naf_code text,
  employee_range text,
  address_line1 text,
  address_line2 text,
  postal_code text,
  city text,
  country text NOT NULL DEFAULT 'FR',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT companies_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT companies_pharow_company_id_key UNIQUE (organisation_id, pharow_company_id),
  CONSTRAINT companies_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT companies_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 300),
  CONSTRAINT companies_website_url_check
    CHECK (website_url !~ '\s' AND char_length(website_url) BETWEEN 4 AND 2048),
  CONSTRAINT companies_domain_check CHECK (
    domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'
    AND char_length(domain) <= 253
  ),
  CONSTRAINT companies_linkedin_url_check
    CHECK (linkedin_url !~ '\s' AND char_length(linkedin_url) BETWEEN 4 AND 2048),
  CONSTRAINT companies_pharow_company_id_check
    CHECK (pharow_company_id <> '' AND char_length(pharow_company_id) <= 100),
  CONSTRAINT companies_siren_check CHECK (crm.is_valid_siren(siren)),
  CONSTRAINT companies_naf_code_check CHECK (naf_code ~ '^[0-9]{2}\.[0-9]{2}[A-Z]$'),
  CONSTRAINT companies_employee_range_check CHECK (employee_range IN (
    '0', '1-2', '3-5', '6-9', '10-19', '20-49', '50-99', '100-199', '200-249',
    '250-499', '500-999', '1000-1999', '2000-4999', '5000-9999', '10000+'
  )),
  CONSTRAINT companies_address_line1_check CHECK (char_length(address_line1) <= 200),
  CONSTRAINT companies_address_line2_check CHECK (char_length(address_line2) <= 200),
  CONSTRAINT companies_postal_code_check CHECK (
    postal_code ~ '^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$'
    AND (country <> 'FR' OR postal_code ~ '^[0-9]{5}$')
  ),
  CONSTRAINT companies_city_check CHECK (btrim(city) <> '' AND char_length(city) <= 100),
  CONSTRAINT companies_country_check CHECK (country ~ '^[A-Z]{2}$')
);
COMMENT ON TABLE crm.companies IS 'Companies an organisation prospects (typically imported from Pharow).';
COMMENT ON COLUMN crm.companies.domain IS 'E-mail/web domain, lower-case host name without scheme (citext).';
COMMENT ON COLUMN crm.companies.pharow_company_id IS 'Id in the Pharow export; unique per organisation (import key).';
COMMENT ON COLUMN crm.companies.siren IS 'French SIREN: 9 digits, Luhn-valid (crm.is_valid_siren).';
COMMENT ON COLUMN crm.companies.naf_code IS 'NAF/APE activity code, NN.NNX (e.g. 62.01Z).';
COMMENT ON COLUMN crm.companies.employee_range IS
  'INSEE employee-count bracket: 0, 1-2, 3-5, 6-9, 10-19, 20-49, 50-99, 100-199, 200-249, 250-499, 500-999, 1000-1999, 2000-4999, 5000-9999, 10000+.';
COMMENT ON COLUMN crm.companies.country IS 'ISO 3166-1 alpha-2 code; FR postal codes must be 5 digits.';

CREATE INDEX companies_name_idx ON crm.companies (organisation_id, name, id);
CREATE INDEX companies_created_at_idx ON crm.companies (organisation_id, created_at, id);
CREATE INDEX companies_domain_idx ON crm.companies (organisation_id, domain);
CREATE INDEX companies_siren_idx ON crm.companies (organisation_id, siren);

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON crm.companies
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE crm.people (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  first_name text,
  last_name text,
  linkedin_url text,
  pharow_person_id text,
  city text,
  country text,
  timezone text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT people_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT people_pharow_person_id_key UNIQUE (organisation_id, pharow_person_id),
  CONSTRAINT people_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT people_name_check CHECK (coalesce(btrim(first_name), '') <> '' OR coalesce(btrim(last_name), '') <> ''),
  CONSTRAINT people_first_name_check CHECK (char_length(first_name) <= 100),
  CONSTRAINT people_last_name_check CHECK (char_length(last_name) <= 100),
  CONSTRAINT people_linkedin_url_check
    CHECK (linkedin_url !~ '\s' AND char_length(linkedin_url) BETWEEN 4 AND 2048),
  CONSTRAINT people_pharow_person_id_check
    CHECK (pharow_person_id <> '' AND char_length(pharow_person_id) <= 100),
  CONSTRAINT people_city_check CHECK (btrim(city) <> '' AND char_length(city) <= 100),
  CONSTRAINT people_country_check CHECK (country ~ '^[A-Z]{2}$'),
  CONSTRAINT people_timezone_check CHECK (public.is_valid_time_zone(timezone))
);
COMMENT ON TABLE crm.people IS 'Prospects (persons). No e-mail here: addresses belong to positions.';
COMMENT ON COLUMN crm.people.timezone IS
  'IANA time zone of the prospect; sending windows apply in it (falls back to the campaign''s).';

CREATE INDEX people_name_idx ON crm.people (organisation_id, last_name, first_name, id);
CREATE INDEX people_created_at_idx ON crm.people (organisation_id, created_at, id);
CREATE INDEX people_linkedin_url_idx ON crm.people (organisation_id, linkedin_url);

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON crm.people
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE crm.positions (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL,
  company_id uuid NOT NULL,
  title text,
  email citext,
  email_status text NOT NULL DEFAULT 'unknown',
  email_reliability smallint,
  status text NOT NULL DEFAULT 'active',
  pharow_list_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT positions_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT positions_person_company_key UNIQUE (organisation_id, person_id, company_id),
  CONSTRAINT positions_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT positions_person_fkey FOREIGN KEY (organisation_id, person_id)
    REFERENCES crm.people (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT positions_company_fkey FOREIGN KEY (organisation_id, company_id)
    REFERENCES crm.companies (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT positions_title_check CHECK (char_length(title) <= 300),
  CONSTRAINT positions_email_check
    CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND char_length(email) <= 254),
  CONSTRAINT positions_email_status_check
    CHECK (email_status IN ('valid', 'risky', 'invalid', 'catch_all', 'unknown')),
  CONSTRAINT positions_email_reliability_check CHECK (email_reliability BETWEEN 0 AND 100),
  CONSTRAINT positions_status_check
    CHECK (status IN ('active', 'former', 'unsubscribed', 'bounced', 'do_not_contact')),
  CONSTRAINT positions_pharow_list_name_check CHECK (char_length(pharow_list_name) <= 200)
);
COMMENT ON TABLE crm.positions IS
  'One person at one company (unique per organisation): job title and the professional e-mail address.';
COMMENT ON COLUMN crm.positions.email_status IS 'Deliverability verdict: valid, risky, invalid, catch_all, unknown.';
COMMENT ON COLUMN crm.positions.email_reliability IS 'Reliability score of the address, 0 to 100 (percent).';
COMMENT ON COLUMN crm.positions.status IS
  'active; former (left the company); unsubscribed, bounced, do_not_contact (never e-mail again).';

CREATE INDEX positions_company_idx ON crm.positions (organisation_id, company_id);
CREATE INDEX positions_email_idx ON crm.positions (organisation_id, email);
CREATE INDEX positions_created_at_idx ON crm.positions (organisation_id, created_at, id);

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON crm.positions
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
