-- Undo V20251227_100000: the imports schema and the provenance columns of crm.positions.
DROP INDEX crm.positions_source_import_idx;
ALTER TABLE crm.positions
  DROP CONSTRAINT positions_legal_basis_check,
  DROP CONSTRAINT positions_source_import_fkey,
  DROP COLUMN legal_basis,
  DROP COLUMN source_import_id;
REVOKE ALL ON ALL TABLES IN SCHEMA imports FROM outreach_app;
REVOKE USAGE ON SCHEMA imports FROM outreach_app;
DROP TABLE imports.import_row_errors;
DROP TABLE imports.import_rows;
DROP TABLE imports.imports;
DROP SCHEMA imports;
