import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type pg from 'pg';
import { Migrator } from '../src/migrator/index.js';
import { versionedMigrations } from './schema/migration-files.js';
import { connect } from './schema/pg-assertions.js';

describe('the test template database', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = await connect(database.url);
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('was migrated by the project runner: one successful history row per file, and it validates', async () => {
    const { rows } = await client.query<{ script: string; success: boolean }>(
      'SELECT script, success FROM public.flyway_schema_history ORDER BY installed_rank',
    );
    expect(rows).toEqual(versionedMigrations().map((script) => ({ script, success: true })));
    const migrator = new Migrator({ databaseUrl: database.url });
    try {
      await expect(migrator.validate()).resolves.toBeUndefined();
      expect((await migrator.migrate()).migrationsExecuted).toBe(0);
    } finally {
      await migrator.close();
    }
  });
});
