import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { connect } from './pg-assertions.js';

export interface SchemaDatabase {
  /** Superuser client on a fresh clone of the migrated template (valid inside tests). */
  readonly client: pg.Client;
  /** Superuser URL of that database, for tests that need a second connection. */
  readonly url: string;
}

/** Registers beforeAll/afterAll that give the describe block its own migrated database. */
export function useSchemaDatabase(options: { empty?: boolean } = {}): SchemaDatabase {
  let database: TestDatabase | undefined;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(options);
    client = await connect(database.url);
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });
  return {
    get client(): pg.Client {
      if (!client)
        throw new Error('useSchemaDatabase: the database is only available inside tests');
      return client;
    },
    get url(): string {
      if (!database)
        throw new Error('useSchemaDatabase: the database is only available inside tests');
      return database.url;
    },
  };
}
