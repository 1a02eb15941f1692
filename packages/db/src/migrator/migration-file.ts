import { parseVersion, type MigrationVersion } from './migration-version.js';

export type MigrationKind = 'versioned' | 'repeatable' | 'undo';

export interface MigrationName {
  kind: MigrationKind;
  /** Undefined for repeatable migrations. */
  version: MigrationVersion | undefined;
  /** `_` replaced by spaces, not trimmed, not yet abbreviated. */
  description: string;
}

export type ParsedName = { ok: true; name: MigrationName } | { ok: false; reason: string };

export const SQL_SUFFIX = '.sql';
const SEPARATOR = '__';
const PREFIXES: readonly (readonly [string, MigrationKind])[] = [
  ['V', 'versioned'],
  ['R', 'repeatable'],
  ['U', 'undo'],
];

/**
 * Parses a migration file name as Flyway's ResourceNameParser does: strip `.sql`, take the
 * prefix (V, R, U), split the rest at the FIRST `__`; the version is the left part with `_` → `.`,
 * the description the right part with every `_` → space (nothing trimmed).
 * `V20251223_112456___iam_init.sql` → version `20251223.112456`, description ` iam init`.
 * Returns the reason when the name does not follow the convention.
 */
export function parseMigrationName(fileName: string): ParsedName {
  if (!fileName.endsWith(SQL_SUFFIX)) {
    return { ok: false, reason: `${fileName}: not a ${SQL_SUFFIX} file` };
  }
  const stem = fileName.slice(0, -SQL_SUFFIX.length);
  const prefix = PREFIXES.find(([letter]) => stem.startsWith(letter));
  if (!prefix) {
    return {
      ok: false,
      reason: `${fileName}: unrecognised migration name (expected V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql)`,
    };
  }
  const [letter, kind] = prefix;
  const rest = stem.slice(letter.length);
  const at = rest.indexOf(SEPARATOR);
  const left = at >= 0 ? rest.slice(0, at) : rest;
  const right = at >= 0 ? rest.slice(at + SEPARATOR.length) : '';
  const description = right.replace(/_/g, ' ');
  if (kind === 'repeatable') {
    if (left !== '') {
      return {
        ok: false,
        reason: `${fileName}: invalid repeatable migration name (a repeatable has no version: R__<description>.sql)`,
      };
    }
    return { ok: true, name: { kind, version: undefined, description } };
  }
  const version = parseVersion(left);
  if (!version) {
    const hint = at < 0 ? ` (no "${SEPARATOR}" between version and description)` : '';
    return {
      ok: false,
      reason: `${fileName}: could not recognise version number "${left}"${hint}; expected ${letter}<digits and . or _>__<description>.sql`,
    };
  }
  return { ok: true, name: { kind, version, description } };
}

const MAX_DESCRIPTION = 200;
const MAX_SCRIPT = 1000;

/** Flyway's AbbreviationUtils: over 200 characters → first 197 + `...`. */
export function abbreviateDescription(description: string): string {
  return description.length <= MAX_DESCRIPTION
    ? description
    : `${description.slice(0, MAX_DESCRIPTION - 3)}...`;
}

/** Flyway's AbbreviationUtils: over 1000 characters → `...` + the last 997. */
export function abbreviateScript(script: string): string {
  return script.length <= MAX_SCRIPT
    ? script
    : `...${script.slice(script.length - (MAX_SCRIPT - 3))}`;
}
