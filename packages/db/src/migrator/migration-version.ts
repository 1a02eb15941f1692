/**
 * Flyway's MigrationVersion: `_` becomes `.`, the text is kept as written (`001` stays `001`),
 * comparison is numeric part by part with trailing zero parts ignored (`1.0` equals `1`).
 */
export interface MigrationVersion {
  /** As stored in flyway_schema_history.version (underscores replaced by dots). */
  readonly text: string;
  /** Numeric parts, trailing zeros removed. */
  readonly parts: readonly bigint[];
}

const VERSION_PART = /^\d+$/;

/** Parses a version; returns undefined when it is not digits separated by dots. */
export function parseVersion(raw: string): MigrationVersion | undefined {
  const text = raw.replace(/_/g, '.');
  if (text === '') return undefined;
  const pieces = text.split('.');
  if (!pieces.every((piece) => VERSION_PART.test(piece))) return undefined;
  const parts = pieces.map((piece) => BigInt(piece));
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  return { text, parts };
}

/** Like parseVersion but throws on malformed input (CLI flags, configuration). */
export function requireVersion(raw: string, what: string): MigrationVersion {
  const version = parseVersion(raw);
  if (!version) {
    throw new Error(
      `${what} "${raw}" is not a version (digits separated by . or _, e.g. 1 or 20251223.112356)`,
    );
  }
  return version;
}

/** Negative when a < b, 0 when equal (1.0 == 1), positive when a > b. */
export function compareVersions(a: MigrationVersion, b: MigrationVersion): number {
  const length = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.parts[i] ?? 0n;
    const y = b.parts[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
