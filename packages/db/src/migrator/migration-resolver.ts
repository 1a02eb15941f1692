import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { flywayChecksum } from './checksum.js';
import { MigrationError } from './migration-error.js';
import {
  abbreviateDescription,
  parseMigrationName,
  SQL_SUFFIX,
  type MigrationKind,
} from './migration-file.js';
import { compareVersions, type MigrationVersion } from './migration-version.js';

/** A migration file found in a location. */
export interface ResolvedMigration {
  kind: MigrationKind;
  version: MigrationVersion | undefined;
  /** Abbreviated to 200 characters as stored in the history table. */
  description: string;
  /** Path relative to its location with `/` (flyway_schema_history.script). */
  script: string;
  /** File name alone (for ${flyway:filename}). */
  fileName: string;
  /** Absolute path, for messages. */
  path: string;
  /** The file's text (BOM dropped). */
  text: string;
  /** Flyway checksum of the raw text (before placeholder replacement). */
  checksum: number;
}

export interface ResolveOptions {
  /** Directories; a `filesystem:` prefix is accepted. */
  locations: readonly string[];
  /**
   * true (default): a `.sql` file whose name does not follow the convention is an error.
   * false: it is skipped with a warning, as Flyway does by default.
   */
  validateMigrationNaming: boolean;
  warn: (message: string) => void;
}

export interface ResolvedMigrations {
  /** Versioned, ascending by version. */
  versioned: ResolvedMigration[];
  /** Repeatable, ordered by description. */
  repeatable: ResolvedMigration[];
  /** Undo scripts by normalised version key. */
  undo: Map<string, ResolvedMigration>;
}

/** Key under which equal versions (1.0 and 1) meet. */
export function versionKey(version: MigrationVersion): string {
  return version.parts.join('.');
}

/** Strips Flyway's `filesystem:` prefix and resolves against `cwd`. */
export function locationPath(location: string, cwd: string = process.cwd()): string {
  if (/^classpath:/.test(location)) {
    throw new MigrationError(`location ${location}: only filesystem: locations are supported`);
  }
  return resolve(cwd, location.replace(/^filesystem:/, ''));
}

async function listSqlFiles(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MigrationError(
      code === 'ENOENT'
        ? `migrations location ${root} does not exist (check --locations)`
        : `cannot read migrations location ${root}: ${(error as Error).message}`,
      [],
      { cause: error },
    );
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(SQL_SUFFIX))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

async function readUtf8(path: string): Promise<string> {
  const bytes = await readFile(path);
  try {
    const text = UTF8.decode(bytes);
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, at).toString('utf8').split('\n').length;
    throw new MigrationError(
      `${path}: not valid UTF-8 (first bad byte at offset ${at}, line ${line}); save the file as UTF-8`,
    );
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    let size = 0;
    for (let n = 1; n <= 4 && at + n <= bytes.length; n += 1) {
      if (isWhole(bytes.subarray(at, at + n))) {
        size = n;
        break;
      }
    }
    if (size === 0) return at;
    at += size;
  }
  return at;
}

function isWhole(chunk: Uint8Array): boolean {
  try {
    UTF8.decode(chunk);
    return true;
  } catch {
    return false;
  }
}

/** Reads every migration in the locations, checks names and duplicate versions. */
export async function resolveMigrations(options: ResolveOptions): Promise<ResolvedMigrations> {
  const found: ResolvedMigration[] = [];
  const invalid: string[] = [];
  for (const location of options.locations) {
    const root = locationPath(location);
    for (const path of await listSqlFiles(root)) {
      const script = relative(root, path).split(sep).join('/');
      const fileName = script.slice(script.lastIndexOf('/') + 1);
      const parsed = parseMigrationName(fileName);
      if (!parsed.ok) {
        invalid.push(`${path}: ${parsed.reason.slice(fileName.length + 2)}`);
        continue;
      }
      const text = await readUtf8(path);
      found.push({
        kind: parsed.name.kind,
        version: parsed.name.version,
        description: abbreviateDescription(parsed.name.description),
        script,
        fileName,
        path,
        text,
        checksum: flywayChecksum(text),
      });
    }
  }
  if (invalid.length > 0) {
    if (options.validateMigrationNaming) {
      throw new MigrationError(
        `invalid migration file name${invalid.length > 1 ? 's' : ''}: ${invalid.join('; ')}`,
        [
          'Rename the file (V<version>__<description>.sql) or move it out of the migrations folder.',
        ],
      );
    }
    options.warn(
      `${invalid.length} SQL file(s) skipped because they do not follow the naming convention: ${invalid.join('; ')}`,
    );
  }

  const byVersion = (a: ResolvedMigration, b: ResolvedMigration): number =>
    compareVersions(a.version ?? { text: '', parts: [] }, b.version ?? { text: '', parts: [] });
  const versioned = found.filter((m) => m.kind === 'versioned').sort(byVersion);
  const undos = found.filter((m) => m.kind === 'undo').sort(byVersion);
  const repeatable = found
    .filter((m) => m.kind === 'repeatable')
    .sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));

  for (const list of [versioned, undos]) {
    for (let n = 1; n < list.length; n += 1) {
      const [a, b] = [list[n - 1], list[n]];
      if (a && b && byVersion(a, b) === 0) {
        throw new MigrationError(
          `found more than one ${a.kind === 'undo' ? 'undo ' : ''}migration with version ${b.version?.text ?? ''}: ${a.path} and ${b.path}`,
          ['Give each migration its own version (1.0 and 1 are the same version).'],
        );
      }
    }
  }
  for (let n = 1; n < repeatable.length; n += 1) {
    const [a, b] = [repeatable[n - 1], repeatable[n]];
    if (a && b && a.description === b.description) {
      throw new MigrationError(
        `found more than one repeatable migration with description "${b.description}": ${a.path} and ${b.path}`,
      );
    }
  }
  const undo = new Map<string, ResolvedMigration>();
  for (const migration of undos)
    if (migration.version) undo.set(versionKey(migration.version), migration);
  return { versioned, repeatable, undo };
}
