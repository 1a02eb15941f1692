import type pg from 'pg';

/** Double-quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface HistoryTableName {
  schema: string;
  table: string;
}

export function qualified({ schema, table }: HistoryTableName): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** The exact DDL Flyway 10/11 uses on PostgreSQL (createMetaDataTable.sql). */
export function historyTableDdl(name: HistoryTableName): string[] {
  const table = qualified(name);
  return [
    `CREATE TABLE ${table} (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
)`,
    `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(`${name.table}_pk`)} PRIMARY KEY ("installed_rank")`,
    `CREATE INDEX ${quoteIdent(`${name.table}_s_idx`)} ON ${table} ("success")`,
  ];
}

/** One row of flyway_schema_history. */
export interface AppliedMigration {
  installedRank: number;
  version: string | null;
  description: string;
  type: string;
  script: string;
  checksum: number | null;
  installedBy: string;
  installedOn: Date;
  executionTime: number;
  success: boolean;
}

export type NewHistoryRow = Omit<AppliedMigration, 'installedRank' | 'installedOn'> & {
  installedRank?: number;
};

/** A flyway_schema_history row as PostgreSQL returns it. */
export interface HistoryRecord {
  installed_rank: number;
  version: string | null;
  description: string;
  type: string;
  script: string;
  checksum: number | null;
  installed_by: string;
  installed_on: Date;
  execution_time: number;
  success: boolean;
}

export async function historyTableExists(
  db: pg.ClientBase,
  name: HistoryTableName,
): Promise<boolean> {
  const result = await db.query<{ present: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS present',
    [qualified(name)],
  );
  return result.rows[0]?.present === true;
}

export async function readHistory(
  db: pg.ClientBase,
  name: HistoryTableName,
): Promise<AppliedMigration[]> {
  const result = await db.query<HistoryRecord>(
    `SELECT installed_rank, version, description, type, script, checksum, installed_by,
            installed_on, execution_time, success
       FROM ${qualified(name)} ORDER BY installed_rank`,
  );
  return result.rows.map((row) => ({
    installedRank: row.installed_rank,
    version: row.version,
    description: row.description,
    type: row.type,
    script: row.script,
    checksum: row.checksum,
    installedBy: row.installed_by,
    installedOn: row.installed_on,
    executionTime: row.execution_time,
    success: row.success,
  }));
}

/**
 * Appends a row with rank = max + 1 (or the given rank: 0 for the schema-creation marker);
 * installed_on is left to the column default, as Flyway does.
 */
export async function insertHistoryRow(
  db: pg.ClientBase,
  name: HistoryTableName,
  row: NewHistoryRow,
): Promise<void> {
  const table = qualified(name);
  await db.query(
    `INSERT INTO ${table}
       (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
     SELECT COALESCE($1, (SELECT COALESCE(MAX(installed_rank), 0) + 1 FROM ${table})),
            $2, $3, $4, $5, $6, $7, $8, $9`,
    [
      row.installedRank ?? null,
      row.version,
      row.description,
      row.type,
      row.script,
      row.checksum,
      row.installedBy,
      row.executionTime,
      row.success,
    ],
  );
}
