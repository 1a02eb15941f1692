import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { catalogShapes } from './drift/catalog-shapes.js';
import { entityShapes } from './drift/entity-shapes.js';
import { compareShapes } from './drift/schema-shape.js';

const SCHEMAS = ['iam', 'crm', 'outreach', 'tracking', 'delivery', 'imports', 'analytics'];

describe('entities match the migrated schema', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, applicationName: 'db-drift-test' });
    await dataSource.initialize();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await dataSource.destroy();
    await database.drop();
  });

  it('every table of iam, crm, outreach, tracking, delivery, imports and analytics has an identical entity, and the reverse', async () => {
    const database = await catalogShapes(client, SCHEMAS);
    const entities = entityShapes(dataSource);
    expect(compareShapes(entities, database)).toEqual([]);
    // Not vacuous: the comparison saw the tables and their columns.
    expect(database.map((table) => table.table)).toEqual(
      expect.arrayContaining(['iam.organisations', 'crm.positions']),
    );
    expect(entities.length).toBe(database.length);
  });
});
