-- Import speed (issue 11, point 7): imports.import_rows stages the upload in runs of rows
-- instead of one staged row per CSV row. A staged row per data row cost, for a 100,000-row file,
-- 100,000 tuples, 200,000 index entries and 200,000 foreign-key checks (organisation, import):
-- most of the upload's time. Now row_number is the number of a run's first data row and cells a
-- JSON array of the run's rows (each an array of cells); the api writes runs of 1,000 rows, the
-- worker unpacks them (a staged row whose cells are strings is read as one row).
--
-- A run's cells are a few hundred kilobytes of JSON read once or twice and deleted when the
-- import completes: stored out of line uncompressed (STORAGE EXTERNAL), so the upload does
-- not spend its time compressing them.
ALTER TABLE imports.import_rows ALTER COLUMN cells SET STORAGE EXTERNAL;
COMMENT ON TABLE imports.import_rows IS
  'Staging (insert-only): the upload''s data rows in runs; row_number is the run''s first row (1 = the line after the header), cells a JSON array of the run''s rows (each an array of cells). Deleted when the import completes.';
COMMENT ON COLUMN imports.import_rows.row_number IS
  'Number of the run''s first data row; the run covers row_number .. row_number + jsonb_array_length(cells) - 1.';
