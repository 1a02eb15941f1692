/** imports.imports.status (CHECK imports_status_check), in the order an import goes through. */
export const IMPORT_STATUSES = ['queued', 'validating', 'merging', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** imports.imports.encoding (CHECK imports_encoding_check): how the file was decoded. */
export const IMPORT_ENCODINGS = ['utf-8', 'windows-1252'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

/** imports.imports.delimiter (CHECK imports_delimiter_check): `;`, `,` or a tab. */
export const IMPORT_DELIMITERS = ['semicolon', 'comma', 'tab'] as const;
export type ImportDelimiter = (typeof IMPORT_DELIMITERS)[number];

/**
 * imports.imports.legal_basis and crm.positions.legal_basis (CHECK …_legal_basis_check): the
 * GDPR art. 6 basis of processing a prospect's address; B2B prospecting is `legitimate_interest`.
 */
export const LEGAL_BASES = ['legitimate_interest', 'consent', 'contract'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** imports.imports.column_mapping: how the file's columns were read. */
export interface ImportColumnMapping {
  /** The header line as written (BOM removed, trimmed). */
  headers: string[];
  /** The canonical field each column feeds (null: ignored). */
  fields: (string | null)[];
  /** Headers no field recognised (reported, not fatal). */
  unknown: string[];
  /** The override the upload gave: header → field (null: ignore the column). */
  override: Record<string, string | null>;
}
