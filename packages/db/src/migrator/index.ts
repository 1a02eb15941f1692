export { Migrator, DEFAULT_MIGRATIONS_DIR, migrateDatabase } from './migrator.js';
export type {
  MigratorOptions,
  MigrateResult,
  AppliedResult,
  RepairResult,
  UndoResult,
} from './migrator.js';
export { MigrationError } from './migration-error.js';
export type { MigrationInfo, MigrationState } from './migration-info.js';
export { formatInfoTable, infoToJson } from './info-table.js';
export { flywayChecksum } from './checksum.js';
export { parseMigrationName } from './migration-file.js';
