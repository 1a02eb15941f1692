import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { acquireAdvisoryLock, advisoryLockKey } from './advisory-lock.js';
import {
  historyTableDdl,
  historyTableExists,
  insertHistoryRow,
  qualified,
  quoteIdent,
  readHistory,
  type AppliedMigration,
  type HistoryTableName,
} from './history-table.js';
import { MigrationError } from './migration-error.js';
import { buildMigrationInfo, validationErrors, type MigrationInfo } from './migration-info.js';
import {
  resolveMigrations,
  versionKey,
  type ResolvedMigration,
  type ResolvedMigrations,
} from './migration-resolver.js';
import {
  compareVersions,
  parseVersion,
  requireVersion,
  type MigrationVersion,
} from './migration-version.js';
import { isNonTransactional } from './non-transactional.js';
import { replacePlaceholders } from './placeholders.js';
import { dropSchema, emptySchema, isSchemaEmpty } from './schema-cleaner.js';
import { splitSql, type SqlStatement } from './sql-splitter.js';

const MIGRATIONS_SUBDIR = join('infra', 'postgres', 'db', 'migrations');

/** The nearest infra/postgres/db/migrations above this module (src/, dist/ or a bench build). */
function findMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, MIGRATIONS_SUBDIR);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      return fileURLToPath(new URL('../../../../infra/postgres/db/migrations', import.meta.url));
    dir = parent;
  }
}

/** infra/postgres/db/migrations of this repository (absolute). */
export const DEFAULT_MIGRATIONS_DIR = findMigrationsDir();

export interface MigratorOptions {
  /** postgres:// URL. */
  databaseUrl: string;
  /** Migration folders (`filesystem:` prefix accepted); default DEFAULT_MIGRATIONS_DIR. */
  locations?: string[];
  /** flyway_schema_history.installed_by; default `current_user`. */
  installedBy?: string;
  /** clean() refuses unless this is false (Flyway's cleanDisabled, default true). */
  cleanDisabled?: boolean;
  /** Schemas managed (Flyway `schemas`); default ['public']. clean() works on these. */
  schemas?: string[];
  /** Schema of the history table and ${flyway:defaultSchema}; default the first of `schemas`. */
  defaultSchema?: string;
  /** History table name; default flyway_schema_history. */
  table?: string;
  /** Create missing `schemas` on the first migrate and record them (rank 0); default true. */
  createSchemas?: boolean;
  placeholders?: Record<string, string>;
  /** Replace ${…} placeholders; default true. */
  placeholderReplacement?: boolean;
  /** Validate applied migrations before migrating; default true. */
  validateOnMigrate?: boolean;
  /** Apply pending migrations older than the latest applied one; default false. */
  outOfOrder?: boolean;
  /** Migrate up to this version (inclusive); default the latest. */
  target?: string;
  /** baseline(): version of the baseline row; default 1. */
  baselineVersion?: string;
  baselineDescription?: string;
  /** Allow a migration to mix transactional and non-transactional statements; default false. */
  mixed?: boolean;
  /** A .sql file with a bad name is an error (true, default) or skipped with a warning (false). */
  validateMigrationNaming?: boolean;
  /** Advisory lock retries (default 50) and interval (default 1000 ms). */
  lockRetryCount?: number;
  lockRetryIntervalMs?: number;
  /** Connection timeout; default 10 s. */
  connectTimeoutMs?: number;
  /** Progress lines; default silent. */
  log?: (line: string) => void;
}

export interface AppliedResult {
  version: string | null;
  description: string;
  script: string;
  executionTime: number;
}

export interface MigrateResult {
  initialSchemaVersion: string | null;
  targetSchemaVersion: string | null;
  migrationsExecuted: number;
  migrations: AppliedResult[];
}

export interface RepairResult {
  removedFailed: number;
  realigned: number;
  markedDeleted: number;
}

export interface UndoResult {
  version: string;
  description: string;
  script: string;
  executionTime: number;
}

/**
 * A Flyway 10/11-compatible migration runner for PostgreSQL: same history table, same checksums,
 * same lock, so this runner and the flyway/flyway:11 container can take over from each other.
 */
export class Migrator {
  private readonly table: HistoryTableName;
  private readonly schemas: string[];
  private readonly target: MigrationVersion | undefined;
  private client: pg.Client | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: MigratorOptions) {
    this.schemas = options.schemas && options.schemas.length > 0 ? options.schemas : ['public'];
    this.table = {
      schema: options.defaultSchema ?? this.schemas[0] ?? 'public',
      table: options.table ?? 'flyway_schema_history',
    };
    this.target =
      options.target === undefined || options.target === 'latest'
        ? undefined
        : requireVersion(options.target, 'target');
    if (options.baselineVersion !== undefined)
      requireVersion(options.baselineVersion, 'baselineVersion');
    this.log = options.log ?? (() => undefined);
  }

  /** Applies pending migrations, each in its own transaction, under the advisory lock. */
  async migrate(): Promise<MigrateResult> {
    const resolved = await this.resolve();
    return this.withLock(async (db) => {
      if (!(await historyTableExists(db, this.table))) await this.refuseNonEmptySchemas(db);
      const created = await this.ensureHistoryTable(db);
      if (created) this.log(`Created schema history table ${qualified(this.table)}`);
      let history = await readHistory(db, this.table);
      if (this.options.validateOnMigrate !== false) {
        this.throwIfInvalid(await this.info(resolved, history), true);
      }
      const initial = currentVersion(history);
      const migrations: AppliedResult[] = [];
      const infos = buildMigrationInfo(resolved, history, this.infoOptions());
      const failed = infos.find((info) => info.state === 'Failed');
      if (failed) {
        // Even without validateOnMigrate, as Flyway: a half-applied migration must be repaired first.
        throw new MigrationError(
          `the schema history contains a failed migration (${failed.script}): remove its half-applied changes, then run repair`,
        );
      }
      const placeholders = await this.builtinPlaceholders(db);
      const pending = infos.filter((info) => info.state === 'Pending' && info.resolved);
      for (const info of pending) {
        const migration = info.resolved;
        if (!migration) continue;
        migrations.push(await this.apply(db, migration, placeholders));
      }
      if (pending.length === 0)
        this.log(`Schema ${quoteIdent(this.table.schema)} is up to date. No migration necessary.`);
      history = await readHistory(db, this.table);
      return {
        initialSchemaVersion: initial,
        targetSchemaVersion: currentVersion(history),
        migrationsExecuted: migrations.length,
        migrations,
      };
    });
  }

  /** Every migration with its state (Flyway info), applied ones in rank order, then pending ones. */
  async info(
    resolvedIn?: ResolvedMigrations,
    historyIn?: AppliedMigration[],
  ): Promise<MigrationInfo[]> {
    const resolved = resolvedIn ?? (await this.resolve());
    const history = historyIn ?? (await this.history());
    return buildMigrationInfo(resolved, history, this.infoOptions());
  }

  /** Flyway validate: fails on edited, missing, failed, ignored or pending migrations. */
  async validate(): Promise<void> {
    this.throwIfInvalid(await this.info(), false);
  }

  /**
   * Flyway repair: removes failed rows, realigns checksum/description/type of applied migrations
   * with the local files, and marks applied migrations missing locally as deleted.
   */
  async repair(): Promise<RepairResult> {
    const resolved = await this.resolve();
    return this.withLock(async (db) => {
      const result: RepairResult = { removedFailed: 0, realigned: 0, markedDeleted: 0 };
      if (!(await historyTableExists(db, this.table))) return result;
      const table = qualified(this.table);
      const installedBy = await this.installedBy(db);
      await db.query('BEGIN');
      try {
        const removed = await db.query(`DELETE FROM ${table} WHERE success = false`);
        result.removedFailed = removed.rowCount ?? 0;
        const infos = await this.info(resolved, await readHistory(db, this.table));
        for (const info of infos) {
          const { applied, resolved: file } = info;
          if (!applied) continue;
          if (file && info.category === 'Versioned' && info.state !== 'Deleted') {
            if (
              applied.checksum !== file.checksum ||
              applied.description !== file.description ||
              applied.type !== 'SQL'
            ) {
              await db.query(
                `UPDATE ${table} SET checksum = $1, description = $2, type = 'SQL' WHERE installed_rank = $3`,
                [file.checksum, file.description, applied.installedRank],
              );
              result.realigned += 1;
            }
          } else if (info.state === 'Missing') {
            await insertHistoryRow(db, this.table, {
              version: applied.version,
              description: applied.description,
              type: 'DELETE',
              script: applied.script,
              checksum: applied.checksum,
              installedBy,
              executionTime: 0,
              success: true,
            });
            result.markedDeleted += 1;
          }
        }
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
      return result;
    });
  }

  /** Flyway baseline: creates the history table with a baseline row; refuses a non-empty history. */
  async baseline(): Promise<void> {
    await this.withLock(async (db) => {
      await this.ensureHistoryTable(db);
      const history = await readHistory(db, this.table);
      const version = this.options.baselineVersion ?? '1';
      const description = this.options.baselineDescription ?? '<< Flyway Baseline >>';
      const existing = history.filter((row) => row.type !== 'SCHEMA');
      if (existing.length > 0) {
        const same =
          existing.length === 1 &&
          existing[0]?.type === 'BASELINE' &&
          existing[0].version === version;
        if (same) {
          this.log(
            `Schema history table ${qualified(this.table)} already has a baseline at version ${version}`,
          );
          return;
        }
        throw new MigrationError(
          `cannot baseline: ${qualified(this.table)} already contains ${existing.length} row(s); baseline is only for a database with no migration history`,
        );
      }
      await insertHistoryRow(db, this.table, {
        version,
        description,
        type: 'BASELINE',
        script: description,
        checksum: null,
        installedBy: await this.installedBy(db),
        executionTime: 0,
        success: true,
      });
      this.log(`Baselined ${qualified(this.table)} at version ${version}`);
    });
  }

  /**
   * Reverts the latest applied versioned migration with its U<version>__*.sql script (one
   * transaction) and deletes its history row. Returns undefined when nothing is applied.
   * (Flyway Teams instead appends an UNDO_SQL row; see README.)
   */
  async undo(): Promise<UndoResult | undefined> {
    const resolved = await this.resolve();
    return this.withLock(async (db) => {
      if (!(await historyTableExists(db, this.table))) return undefined;
      const history = await readHistory(db, this.table);
      const infos = await this.info(resolved, history);
      const latest = infos
        .filter((info) => info.category === 'Versioned' && info.applied && info.state !== 'Deleted')
        .sort((a, b) => (b.installedRank ?? 0) - (a.installedRank ?? 0))[0];
      if (!latest?.applied || latest.version === null) return undefined;
      if (!latest.applied.success) {
        throw new MigrationError(
          `cannot undo: the latest migration ${latest.script} failed; fix the database by hand and run repair first`,
        );
      }
      const version = requireVersion(latest.version, 'version');
      const undoFile = resolved.undo.get(versionKey(version));
      if (!undoFile) {
        throw new MigrationError(
          `cannot undo version ${latest.version} (${latest.script}): no undo script U${latest.version.replace(/\./g, '_')}__*.sql in the migrations folder`,
        );
      }
      const placeholders = await this.builtinPlaceholders(db);
      const statements = this.statements(undoFile, placeholders);
      const started = Date.now();
      await db.query('BEGIN');
      try {
        for (const statement of statements) await this.execute(db, undoFile, statement, true);
        await db.query(`DELETE FROM ${qualified(this.table)} WHERE installed_rank = $1`, [
          latest.applied.installedRank,
        ]);
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
      const executionTime = Date.now() - started;
      this.log(`Undone version ${latest.version} with ${undoFile.script} (${executionTime} ms)`);
      return {
        version: latest.version,
        description: latest.description,
        script: undoFile.script,
        executionTime,
      };
    });
  }

  /**
   * Drops everything in the managed schemas: the default schema (which holds the history table)
   * is emptied and kept, every other managed schema is dropped. Refused unless cleanDisabled is false.
   */
  async clean(): Promise<{ schemas: string[] }> {
    if (this.options.cleanDisabled !== false) {
      throw new MigrationError(
        'clean is disabled: it drops every object in the managed schemas; allow it with --cleanDisabled=false (or FLYWAY_CLEAN_DISABLED=false)',
      );
    }
    return this.withLock(async (db) => {
      await db.query('BEGIN');
      try {
        for (const schema of [...this.schemas].reverse()) {
          if (schema === this.table.schema) await emptySchema(db, schema);
          else await dropSchema(db, schema);
        }
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
      this.log(`Cleaned schemas ${this.schemas.map(quoteIdent).join(', ')}`);
      return { schemas: this.schemas };
    });
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }

  private infoOptions(): { outOfOrder: boolean; target: MigrationVersion | undefined } {
    return { outOfOrder: this.options.outOfOrder === true, target: this.target };
  }

  private async resolve(): Promise<ResolvedMigrations> {
    return resolveMigrations({
      locations: this.options.locations ?? [DEFAULT_MIGRATIONS_DIR],
      validateMigrationNaming: this.options.validateMigrationNaming !== false,
      warn: (message) => {
        this.log(`WARNING: ${message}`);
      },
    });
  }

  private async history(): Promise<AppliedMigration[]> {
    const db = await this.connection();
    return (await historyTableExists(db, this.table)) ? readHistory(db, this.table) : [];
  }

  private throwIfInvalid(infos: MigrationInfo[], allowPending: boolean): void {
    const errors = validationErrors(infos, allowPending);
    if (errors.length === 0) return;
    const [first, ...rest] = errors;
    throw new MigrationError(`Validate failed: ${first ?? ''}`, rest);
  }

  private async openClient(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      application_name: 'outreach-migrator',
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new MigrationError(
        `cannot connect to ${redact(this.options.databaseUrl)}: ${(error as Error).message || String(error)}`,
        [],
        { cause: error },
      );
    }
    return client;
  }

  private async connection(): Promise<pg.Client> {
    this.client ??= await this.openClient();
    return this.client;
  }

  /** Runs `work` on the main connection while a second connection holds the advisory lock. */
  private async withLock<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = await this.connection();
    const lockClient = await this.openClient();
    try {
      await acquireAdvisoryLock(lockClient, advisoryLockKey(qualified(this.table)), {
        retryCount: this.options.lockRetryCount ?? 50,
        retryIntervalMs: this.options.lockRetryIntervalMs ?? 1000,
      });
      try {
        return await work(db);
      } finally {
        await lockClient.query('COMMIT');
      }
    } finally {
      await lockClient.end().catch(() => undefined);
    }
  }

  /**
   * Flyway refuses to migrate a database whose schemas already hold objects but have no history
   * table: those objects were made by something else, so the first migrations would clash or
   * silently differ. baseline() records the existing state first.
   */
  private async refuseNonEmptySchemas(db: pg.Client): Promise<void> {
    for (const schema of this.schemas) {
      if (!(await isSchemaEmpty(db, schema))) {
        throw new MigrationError(
          `found non-empty schema ${quoteIdent(schema)} but no schema history table ${qualified(this.table)}: run baseline first (pnpm db baseline --baselineVersion=…) or migrate an empty database`,
        );
      }
    }
  }

  /** Creates the history table (and missing schemas, recorded at rank 0) when absent. */
  private async ensureHistoryTable(db: pg.Client): Promise<boolean> {
    if (await historyTableExists(db, this.table)) return false;
    await db.query('BEGIN');
    try {
      const createdSchemas: string[] = [];
      if (this.options.createSchemas !== false) {
        for (const schema of this.schemas) {
          const exists = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
          if (exists.rowCount === 0) {
            await db.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
            createdSchemas.push(schema);
          }
        }
      }
      for (const statement of historyTableDdl(this.table)) await db.query(statement);
      if (createdSchemas.length > 0) {
        await insertHistoryRow(db, this.table, {
          installedRank: 0,
          version: null,
          description: '<< Flyway Schema Creation >>',
          type: 'SCHEMA',
          script: createdSchemas.map(quoteIdent).join(','),
          checksum: null,
          installedBy: await this.installedBy(db),
          executionTime: 0,
          success: true,
        });
      }
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
    return true;
  }

  private async installedBy(db: pg.Client): Promise<string> {
    if (this.options.installedBy) return this.options.installedBy;
    const result = await db.query<{ user: string }>('SELECT current_user AS "user"');
    return result.rows[0]?.user ?? '';
  }

  private async builtinPlaceholders(db: pg.Client): Promise<Record<string, string>> {
    const result = await db.query<{ user: string; database: string }>(
      'SELECT current_user AS "user", current_database() AS "database"',
    );
    const now = new Date();
    const pad = (n: number): string => String(n).padStart(2, '0');
    return {
      ...this.options.placeholders,
      'flyway:defaultSchema': this.table.schema,
      'flyway:user': result.rows[0]?.user ?? '',
      'flyway:database': result.rows[0]?.database ?? '',
      'flyway:timestamp': `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`,
      'flyway:table': this.table.table,
    };
  }

  private statements(
    migration: ResolvedMigration,
    placeholders: Record<string, string>,
  ): SqlStatement[] {
    const text =
      this.options.placeholderReplacement === false
        ? migration.text
        : replacePlaceholders(
            migration.text,
            { ...placeholders, 'flyway:filename': migration.fileName },
            migration.path,
          );
    return splitSql(text);
  }

  /** Applies one migration and records it; transactional unless it holds non-transactional statements. */
  private async apply(
    db: pg.Client,
    migration: ResolvedMigration,
    placeholders: Record<string, string>,
  ): Promise<AppliedResult> {
    const statements = this.statements(migration, placeholders);
    const nonTransactional = statements.filter((statement) => isNonTransactional(statement.sql));
    const transactional = nonTransactional.length === 0;
    if (
      !transactional &&
      nonTransactional.length < statements.length &&
      this.options.mixed !== true
    ) {
      const offender = nonTransactional[0];
      throw new MigrationError(
        `${migration.path}: mixes statements that cannot run in a transaction (line ${offender?.line ?? 0}: ${oneLine(offender?.sql ?? '')}) with transactional ones; move them to a migration of their own`,
      );
    }
    const installedBy = await this.installedBy(db);
    const checksum = migration.checksum;
    const row = {
      version: migration.version?.text ?? null,
      description: migration.description,
      type: 'SQL',
      script: migration.script,
      checksum,
      installedBy,
    };
    const label = migration.version
      ? `version ${migration.version.text}`
      : `"${migration.description}"`;
    this.log(
      `Migrating schema ${quoteIdent(this.table.schema)} to ${label} - ${migration.description}${transactional ? '' : ' [non-transactional]'}`,
    );
    const started = Date.now();
    if (transactional) {
      await db.query('BEGIN');
      try {
        for (const statement of statements) await this.execute(db, migration, statement, true);
        await insertHistoryRow(db, this.table, {
          ...row,
          executionTime: Date.now() - started,
          success: true,
        });
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
    } else {
      try {
        for (const statement of statements) await this.execute(db, migration, statement, false);
      } catch (error) {
        await insertHistoryRow(db, this.table, {
          ...row,
          executionTime: Date.now() - started,
          success: false,
        });
        throw error;
      }
      await insertHistoryRow(db, this.table, {
        ...row,
        executionTime: Date.now() - started,
        success: true,
      });
    }
    return {
      version: row.version,
      description: row.description,
      script: row.script,
      executionTime: Date.now() - started,
    };
  }

  private async execute(
    db: pg.Client,
    migration: ResolvedMigration,
    statement: SqlStatement,
    inTransaction: boolean,
  ): Promise<void> {
    try {
      await db.query(statement.sql);
    } catch (error) {
      throw statementError(migration, statement, error, inTransaction);
    }
  }
}

function currentVersion(history: readonly AppliedMigration[]): string | null {
  let best: MigrationVersion | undefined;
  for (const row of history) {
    if (!row.success || row.version === null || row.type === 'DELETE' || row.type === 'SCHEMA')
      continue;
    const version = parseVersion(row.version);
    if (!version) continue;
    if (!best || compareVersions(version, best) > 0) best = version;
  }
  return best?.text ?? null;
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** The error for a failed statement: file, line within the file, PostgreSQL's message, detail, hint. */
function statementError(
  migration: ResolvedMigration,
  statement: SqlStatement,
  error: unknown,
  inTransaction: boolean,
): MigrationError {
  const pgError = error as Partial<pg.DatabaseError> & Error;
  let line = statement.line;
  const position = Number(pgError.position);
  if (Number.isInteger(position) && position > 0) {
    line += (statement.sql.slice(0, position - 1).match(/\r\n|\r|\n/g) ?? []).length;
  }
  const detail: string[] = [];
  if (pgError.detail) detail.push(`Detail: ${pgError.detail}`);
  if (pgError.hint) detail.push(`Hint: ${pgError.hint}`);
  if (pgError.where) detail.push(`Where: ${pgError.where}`);
  detail.push(`Statement: ${oneLine(statement.sql)}`);
  detail.push(
    inTransaction
      ? 'Changes rolled back: nothing of this migration was applied and no history row was written.'
      : 'Non-transactional migration: statements before this one stay applied and a failed history row was written; fix the database, then run repair.',
  );
  const code = pgError.code ? ` [${pgError.code}]` : '';
  return new MigrationError(
    `migration ${migration.path} failed at line ${line}: ${pgError.message}${code}`,
    detail,
    { cause: error },
  );
}

/**
 * Applies every pending migration of the default location to `databaseUrl`, then closes the
 * connection: what a test harness or a tool needs when it just wants an up-to-date schema.
 */
export async function migrateDatabase(databaseUrl: string): Promise<MigrateResult> {
  const migrator = new Migrator({ databaseUrl });
  try {
    return await migrator.migrate();
  } finally {
    await migrator.close();
  }
}
