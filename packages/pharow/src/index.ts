// Public surface of @outreach/pharow: Pharow CSV export rules (header mapping, per-row
// validation and normalisation, SIREN/SIRET, CSV sniffing and safe CSV output), pure and shared
// by the api and the worker (explicit names, no `export *`).
export { csvCell, csvLine, NotCsvError, sniffCsv } from './csv-format.js';
export type { CsvFormat } from './csv-format.js';
export { isPharowField, mapHeaders, normaliseHeader } from './header-mapping.js';
export type { ColumnOverride, HeaderMapping } from './header-mapping.js';
export { PHAROW_FIELDS, PHAROW_HEADER_ALIASES, REQUIRED_PHAROW_FIELDS } from './pharow-fields.js';
export type { PharowField } from './pharow-fields.js';
export { EMPLOYEE_RANGES, PHAROW_EMAIL_STATUSES, validateRow } from './row-validation.js';
export type {
  EmployeeRange,
  PharowCompany,
  PharowEmailStatus,
  PharowPerson,
  PharowPosition,
  PharowRecord,
  RowError,
  RowResult,
} from './row-validation.js';
export { isValidSiren, isValidSiret, LA_POSTE_SIREN, luhnValid } from './siren.js';
