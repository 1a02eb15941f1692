import {
  PHAROW_FIELDS,
  PHAROW_HEADER_ALIASES,
  REQUIRED_PHAROW_FIELDS,
  type PharowField,
} from './pharow-fields.js';

/** Lower case, accents removed, anything but letters and digits as one space, trimmed. */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const ALIAS_TO_FIELD = new Map<string, PharowField>(
  PHAROW_FIELDS.flatMap((field) =>
    [field, ...PHAROW_HEADER_ALIASES[field]].map(
      (alias) => [normaliseHeader(alias), field] as [string, PharowField],
    ),
  ),
);

/** An explicit mapping from a file's header (as written) to a canonical field. */
export type ColumnOverride = Readonly<Record<string, PharowField | null>>;

/** How a file's columns map to the canonical fields. */
export interface HeaderMapping {
  /** The file's headers, as written (trimmed, BOM removed). */
  headers: string[];
  /** `fields[i]` is the field column `i` feeds, or null when the column is ignored. */
  fields: (PharowField | null)[];
  /** Headers no field recognises (reported, not fatal). */
  unknown: string[];
  /** Required fields no column provides (fatal: the file is refused). */
  missing: PharowField[];
  /** Fields two or more columns claim (the first one wins; reported). */
  duplicates: PharowField[];
}

/** `isPharowField('email')` — narrows a string to a canonical field. */
export function isPharowField(value: unknown): value is PharowField {
  return typeof value === 'string' && (PHAROW_FIELDS as readonly string[]).includes(value);
}

/**
 * Maps a header line to canonical fields: first the override (a header as written, or its
 * normalised form, → a field or null to ignore it), then the known French and English
 * spellings. Unknown headers are listed, not fatal; required fields no column provides are
 * listed in `missing`.
 */
export function mapHeaders(
  headers: readonly string[],
  override: ColumnOverride = {},
): HeaderMapping {
  const overrides = new Map<string, PharowField | null>();
  for (const [header, field] of Object.entries(override)) {
    overrides.set(normaliseHeader(header), field);
  }
  const cleaned = headers.map((header, index) =>
    (index === 0 ? header.replace(/^\uFEFF/, '') : header).trim(),
  );
  const taken = new Set<PharowField>();
  const duplicates = new Set<PharowField>();
  const unknown: string[] = [];
  const fields = cleaned.map((header): PharowField | null => {
    const key = normaliseHeader(header);
    const field = overrides.has(key) ? (overrides.get(key) ?? null) : ALIAS_TO_FIELD.get(key);
    if (field === null) return null;
    if (field === undefined) {
      unknown.push(header);
      return null;
    }
    if (taken.has(field)) {
      duplicates.add(field);
      return null;
    }
    taken.add(field);
    return field;
  });
  return {
    headers: cleaned,
    fields,
    unknown,
    missing: REQUIRED_PHAROW_FIELDS.filter((field) => !taken.has(field)),
    duplicates: [...duplicates],
  };
}
