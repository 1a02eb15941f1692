-- imports: prospect imports (Pharow CSV exports). An upload is staged row by row
-- (import_rows, filled by COPY through a transaction-local temporary table, since COPY FROM
-- refuses tables with row-level security), validated by the worker (import_row_errors for
-- refused rows) and merged set-based into crm in batches, each batch in its own transaction with the
-- import's progress, so a killed worker resumes from the last committed batch.
--
-- The tenancy rules of the four seed schemas apply here too: primary key (organisation_id, id),
-- composite foreign keys, indexes that start with organisation_id, forced row-level security on
-- app.organisation_id, grants to outreach_app.
--
-- Provenance (French B2B prospecting): each position records the import that last created or
-- changed it (source_import_id; its Pharow list is pharow_list_name) and the legal basis of the
-- processing (legal_basis, B2B legitimate interest by default). They are columns of
-- crm.positions (columns may be added to seed tables; tables may not).

CREATE SCHEMA imports;
COMMENT ON SCHEMA imports IS 'Prospect imports: uploads, their staged rows and row errors.';

CREATE TABLE imports.imports (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  status text NOT NULL DEFAULT 'queued',
  file_name text NOT NULL,
  file_size integer NOT NULL,
  encoding text NOT NULL,
  delimiter text NOT NULL,
  column_mapping jsonb NOT NULL,
  pharow_list_name text,
  legal_basis text NOT NULL DEFAULT 'legitimate_interest',
  created_by uuid,
  rows_total integer NOT NULL DEFAULT 0,
  rows_validated integer NOT NULL DEFAULT 0,
  rows_merged integer NOT NULL DEFAULT 0,
  rows_rejected integer NOT NULL DEFAULT 0,
  rows_erased integer NOT NULL DEFAULT 0,
  companies_created integer NOT NULL DEFAULT 0,
  companies_updated integer NOT NULL DEFAULT 0,
  companies_unchanged integer NOT NULL DEFAULT 0,
  people_created integer NOT NULL DEFAULT 0,
  people_updated integer NOT NULL DEFAULT 0,
  people_unchanged integer NOT NULL DEFAULT 0,
  positions_created integer NOT NULL DEFAULT 0,
  positions_updated integer NOT NULL DEFAULT 0,
  positions_unchanged integer NOT NULL DEFAULT 0,
  positions_suppressed integer NOT NULL DEFAULT 0,
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT imports_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT imports_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT imports_created_by_fkey FOREIGN KEY (organisation_id, created_by)
    REFERENCES iam.organisation_users (organisation_id, user_id) ON DELETE SET NULL (created_by),
  CONSTRAINT imports_status_check
    CHECK (status IN ('queued', 'validating', 'merging', 'completed', 'failed')),
  CONSTRAINT imports_file_name_check CHECK (btrim(file_name) <> '' AND char_length(file_name) <= 255),
  CONSTRAINT imports_file_size_check CHECK (file_size >= 0),
  CONSTRAINT imports_encoding_check CHECK (encoding IN ('utf-8', 'windows-1252')),
  CONSTRAINT imports_delimiter_check CHECK (delimiter IN ('semicolon', 'comma', 'tab')),
  CONSTRAINT imports_column_mapping_check CHECK (jsonb_typeof(column_mapping) = 'object'),
  CONSTRAINT imports_pharow_list_name_check
    CHECK (btrim(pharow_list_name) <> '' AND char_length(pharow_list_name) <= 200),
  CONSTRAINT imports_legal_basis_check
    CHECK (legal_basis IN ('legitimate_interest', 'consent', 'contract')),
  CONSTRAINT imports_rows_check CHECK (
    rows_total >= 0 AND rows_validated BETWEEN 0 AND rows_total
    AND rows_merged BETWEEN 0 AND rows_validated AND rows_rejected BETWEEN 0 AND rows_validated
    AND rows_erased >= 0
  ),
  CONSTRAINT imports_counts_check CHECK (
    companies_created >= 0 AND companies_updated >= 0 AND companies_unchanged >= 0
    AND people_created >= 0 AND people_updated >= 0 AND people_unchanged >= 0
    AND positions_created >= 0 AND positions_updated >= 0 AND positions_unchanged >= 0
    AND positions_suppressed >= 0
  ),
  CONSTRAINT imports_error_check CHECK (char_length(error) <= 2000),
  CONSTRAINT imports_failed_check CHECK (status <> 'failed' OR error IS NOT NULL)
);
CREATE INDEX imports_created_at_idx ON imports.imports (organisation_id, created_at, id);
CREATE INDEX imports_created_by_idx ON imports.imports (organisation_id, created_by);
CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON imports.imports
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
COMMENT ON TABLE imports.imports IS
  'One upload: status (queued, validating, merging, completed, failed), file, column mapping, progress and per-entity counts.';
COMMENT ON COLUMN imports.imports.column_mapping IS
  '{ headers: [...], fields: [field or null per column], unknown: [...], override: {...} }.';
COMMENT ON COLUMN imports.imports.rows_validated IS
  'Rows validated so far (the row numbers 1..rows_validated): the validation phase resumes after it.';
COMMENT ON COLUMN imports.imports.rows_merged IS
  'Rows merged so far (1..rows_merged): the merge phase resumes after it.';

CREATE TABLE imports.import_rows (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  import_id uuid NOT NULL,
  row_number integer NOT NULL,
  cells jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT import_rows_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT import_rows_row_key UNIQUE (organisation_id, import_id, row_number),
  CONSTRAINT import_rows_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT import_rows_import_fkey FOREIGN KEY (organisation_id, import_id)
    REFERENCES imports.imports (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT import_rows_row_number_check CHECK (row_number >= 1),
  CONSTRAINT import_rows_cells_check CHECK (jsonb_typeof(cells) = 'array')
);
COMMENT ON TABLE imports.import_rows IS
  'Staging (insert-only): the raw cells of each data row, row_number 1 being the line after the header. Deleted when the import completes.';

CREATE TABLE imports.import_row_errors (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  import_id uuid NOT NULL,
  row_number integer NOT NULL,
  column_name text NOT NULL,
  value text NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT import_row_errors_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT import_row_errors_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT import_row_errors_import_fkey FOREIGN KEY (organisation_id, import_id)
    REFERENCES imports.imports (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT import_row_errors_row_number_check CHECK (row_number >= 1),
  CONSTRAINT import_row_errors_column_name_check CHECK (char_length(column_name) <= 300),
  CONSTRAINT import_row_errors_value_check CHECK (char_length(value) <= 2000),
  CONSTRAINT import_row_errors_reason_check CHECK (btrim(reason) <> '' AND char_length(reason) <= 500)
);
CREATE INDEX import_row_errors_row_idx
  ON imports.import_row_errors (organisation_id, import_id, row_number, id);
COMMENT ON TABLE imports.import_row_errors IS
  'A refused cell (or row): row number, column as written in the file, value (cut to 2000 characters), reason.';

-- Provenance of positions (see the header).
ALTER TABLE crm.positions
  ADD COLUMN source_import_id uuid,
  ADD COLUMN legal_basis text,
  ADD CONSTRAINT positions_source_import_fkey FOREIGN KEY (organisation_id, source_import_id)
    REFERENCES imports.imports (organisation_id, id) ON DELETE SET NULL (source_import_id),
  ADD CONSTRAINT positions_legal_basis_check
    CHECK (legal_basis IN ('legitimate_interest', 'consent', 'contract'));
CREATE INDEX positions_source_import_idx ON crm.positions (organisation_id, source_import_id);
COMMENT ON COLUMN crm.positions.source_import_id IS
  'The import that last created or changed this position (NULL: entered by hand, or the import was deleted).';
COMMENT ON COLUMN crm.positions.legal_basis IS
  'Legal basis of processing the address (GDPR art. 6): legitimate_interest (B2B prospecting, the import default), consent, contract.';

-- Row-level security and grants, as on every tenant table.
GRANT USAGE ON SCHEMA imports TO outreach_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON imports.imports TO outreach_app;
GRANT SELECT, INSERT, DELETE ON imports.import_rows TO outreach_app;
GRANT SELECT, INSERT, DELETE ON imports.import_row_errors TO outreach_app;
ALTER TABLE imports.imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE imports.imports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON imports.imports
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
ALTER TABLE imports.import_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE imports.import_rows FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON imports.import_rows
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
ALTER TABLE imports.import_row_errors ENABLE ROW LEVEL SECURITY;
ALTER TABLE imports.import_row_errors FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON imports.import_row_errors
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
