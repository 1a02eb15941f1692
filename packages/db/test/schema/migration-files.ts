import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { parseMigrationName } from '../../src/migrator/migration-file.js';
import {
  compareVersions as compareParsedVersions,
  type MigrationVersion,
} from '../../src/migrator/migration-version.js';

/** infra/postgres/db: the migrations and the tenancy exception list. */
export const POSTGRES_DB_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../infra/postgres/db',
);
export const MIGRATIONS_DIR = join(POSTGRES_DB_DIR, 'migrations');
export const TENANCY_EXCEPTIONS_FILE = join(POSTGRES_DB_DIR, 'tenancy-exceptions.json');

/** The six files that create the core schema (SPEC.md), in order. */
export const CORE_MIGRATIONS = [
  'V20251223_112356___base_init.sql',
  'V20251223_112456___iam_init.sql',
  'V20251223_112543___crm_init.sql',
  'V20251223_125520___outreach_tracking_schemas.sql',
  'V20251223_125614___outreach_init.sql',
  'V20251223_125657___tracking_pixels_and_open_stats.sql',
] as const;

export const CORE_SCHEMAS = ['iam', 'crm', 'outreach', 'tracking'] as const;

/**
 * Schemas later migrations add beside the core four, each for one purpose (SPEC.md: what the
 * core does not hold gets a schema of its own). `platform`: the SECURITY DEFINER functions of
 * the cross-organisation system path (V20251225_100000), and nothing else.
 */
export const FUNCTION_SCHEMAS = ['platform'] as const;

/**
 * Storage schemas later migrations add (SPEC.md "Storage beyond the seed"), with their tables.
 * The tenancy rules of the core apply to them unchanged. `delivery`: mailboxes and suppressions
 * (V20251226_100000), the engine's daily send counters (V20251228_300000), the inbound mail's IMAP sync positions and actions (V20251229_100000). `imports`: prospect imports, their staged rows and row errors
 * (V20251227_100000). `analytics`: the campaign stats rollup, its states and change markers
 * (V20251230_300000).
 */
export const STORAGE_TABLES = {
  delivery: ['daily_sends', 'inbound_actions', 'mailbox_sync_states', 'mailboxes', 'suppressions'],
  imports: ['import_row_errors', 'import_rows', 'imports'],
  analytics: ['campaign_stats_changes', 'campaign_stats_rollup_states', 'campaign_stats_rollups'],
} as const;
export const STORAGE_SCHEMAS = Object.keys(STORAGE_TABLES) as (keyof typeof STORAGE_TABLES)[];

/** Every schema holding tenant data: the tenancy rules are checked on all of them. */
export const DATA_SCHEMAS: readonly string[] = [...CORE_SCHEMAS, ...STORAGE_SCHEMAS];

function versionOf(file: string): MigrationVersion {
  const parsed = parseMigrationName(file);
  if (!parsed.ok || !parsed.name.version)
    throw new Error(`not a versioned migration name: ${file}`);
  return parsed.name.version;
}

/** Flyway order of two migration file names (the runner's own version comparison). */
export function compareVersions(a: string, b: string): number {
  return compareParsedVersions(versionOf(a), versionOf(b));
}

/** Every versioned migration in the directory, in version order. */
export function versionedMigrations(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /^V.+__.*\.sql$/.test(name))
    .sort(compareVersions);
}

/** The undo script of a versioned migration (Flyway naming: U instead of V). */
export function undoScriptOf(versioned: string): string {
  return `U${versioned.slice(1)}`;
}

export function readMigration(file: string, dir = MIGRATIONS_DIR): string {
  return readFileSync(join(dir, file), 'utf8');
}

/** Runs one migration file in its own transaction, as Flyway does; rolls back on error. */
export async function applyFile(
  client: pg.Client,
  file: string,
  dir = MIGRATIONS_DIR,
): Promise<void> {
  const sql = readMigration(file, dir);
  await client.query('BEGIN');
  try {
    await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

export async function applyFiles(
  client: pg.Client,
  files: readonly string[],
  dir = MIGRATIONS_DIR,
): Promise<void> {
  for (const file of files) await applyFile(client, file, dir);
}
