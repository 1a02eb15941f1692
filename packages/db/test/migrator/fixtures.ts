import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { HistoryRecord } from '../../src/migrator/history-table.js';
import { Migrator, type MigratorOptions } from '../../src/migrator/index.js';

/** A temporary migrations folder; `write` adds or replaces files (subfolders allowed). */
export class FixtureDir {
  readonly path = mkdtempSync(join(tmpdir(), 'migrator-fixture-'));

  constructor(files: Record<string, string | Buffer> = {}) {
    this.write(files);
  }

  write(files: Record<string, string | Buffer>): this {
    for (const [name, content] of Object.entries(files)) {
      const file = join(this.path, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    return this;
  }

  remove(name: string): this {
    rmSync(join(this.path, name));
    return this;
  }

  dispose(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** An empty database plus helpers to run migrators and queries against it. */
export class Playground {
  private readonly migrators: Migrator[] = [];

  private constructor(readonly db: TestDatabase) {}

  static async create(): Promise<Playground> {
    return new Playground(await createTestDatabase({ empty: true }));
  }

  migrator(options: Partial<MigratorOptions> = {}): Migrator {
    const migrator = new Migrator({
      databaseUrl: this.db.url,
      lockRetryIntervalMs: 100,
      ...options,
    });
    this.migrators.push(migrator);
    return migrator;
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  async history(): Promise<HistoryRow[]> {
    if (!(await this.tableExists('public.flyway_schema_history'))) return [];
    return this.query<HistoryRow>(
      `SELECT installed_rank, version, description, type, script, checksum, installed_by, execution_time, success
         FROM public.flyway_schema_history ORDER BY installed_rank`,
    );
  }

  async tableExists(name: string): Promise<boolean> {
    const rows = await this.query<{ present: boolean }>(
      'SELECT to_regclass($1) IS NOT NULL AS present',
      [name],
    );
    return rows[0]?.present === true;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.migrators.map((migrator) => migrator.close()));
    await this.db.drop();
  }
}

export type HistoryRow = Omit<HistoryRecord, 'installed_on'>;

/**
 * CRC32 computed bit by bit (no table), independent of the runner's implementation, applied as
 * Flyway does: per line without terminators, BOM dropped, signed.
 */
export function independentFlywayChecksum(bytes: Buffer): number {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let crc = 0xffffffff;
  for (const line of text.split(/\r\n|\r|\n/)) {
    for (const byte of Buffer.from(line, 'utf8')) {
      crc ^= byte;
      for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
  }
  return ~crc | 0;
}

/** Runs `fn` and returns the error it throws (fails the test when it does not throw). */
export async function errorOf(fn: () => Promise<unknown>): Promise<Error & { detail?: string[] }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { detail?: string[] };
  }
  throw new Error('expected an error, none was thrown');
}

/**
 * Registers beforeEach/afterEach that give every test a fresh empty database and dispose of the
 * fixture folders it created.
 */
export function perTestPlayground(): {
  play: () => Playground;
  fixture: (files: Record<string, string | Buffer>) => FixtureDir;
} {
  let current: Playground | undefined;
  const dirs: FixtureDir[] = [];
  beforeEach(async () => {
    current = await Playground.create();
  });
  afterEach(async () => {
    await current?.dispose();
    for (const dir of dirs.splice(0)) dir.dispose();
  });
  return {
    play: () => {
      if (!current) throw new Error('no playground outside a test');
      return current;
    },
    fixture: (files) => {
      const dir = new FixtureDir(files);
      dirs.push(dir);
      return dir;
    },
  };
}
