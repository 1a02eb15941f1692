-- Undo V20251229_500000: one staged row per data row again (as documented before), cells
-- compressed. Runs already staged stay readable by the worker, which unpacks both shapes.
ALTER TABLE imports.import_rows ALTER COLUMN cells SET STORAGE EXTENDED;
COMMENT ON TABLE imports.import_rows IS
  'Staging (insert-only): the raw cells of each data row, row_number 1 being the line after the header. Deleted when the import completes.';
COMMENT ON COLUMN imports.import_rows.row_number IS NULL;
