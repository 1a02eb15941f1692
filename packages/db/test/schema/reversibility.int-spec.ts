import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { Migrator } from '../../src/migrator/index.js';
import { catalogSnapshot } from './catalog-snapshot.js';
import {
  CORE_MIGRATIONS,
  CORE_SCHEMAS,
  applyFile,
  applyFiles,
  versionedMigrations,
} from './migration-files.js';
import { connect } from './pg-assertions.js';

async function schemasPresent(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1',
    [CORE_SCHEMAS],
  );
  return rows.map((row) => row.nspname);
}

async function historyRows(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ row: string }>(
    `SELECT installed_rank || ' ' || coalesce(version, '') || ' ' || script || ' ' || checksum || ' ' || success AS row
       FROM public.flyway_schema_history ORDER BY installed_rank`,
  );
  return rows.map((row) => row.row);
}

describe('reversibility', () => {
  describe('with the project runner over every migration in the folder', () => {
    let database: TestDatabase;
    let client: pg.Client;
    let migrator: Migrator;

    beforeAll(async () => {
      database = await createTestDatabase({ empty: true });
      client = await connect(database.url);
      migrator = new Migrator({ databaseUrl: database.url });
    });

    afterAll(async () => {
      await migrator.close();
      await client.end();
      await database.drop();
    });

    it('migrate → second migrate (no-op) → undo all → migrate gives the same catalog', async () => {
      const all = versionedMigrations();
      const first = await migrator.migrate();
      expect(first.migrations.map((migration) => migration.script)).toEqual(all);
      expect(all.slice(0, CORE_MIGRATIONS.length)).toEqual([...CORE_MIGRATIONS]);
      const migrated = await catalogSnapshot(client);
      // Not vacuous: the snapshot sees the 17 core, 5 delivery, 3 imports and 3 analytics
      // tables, their columns, indexes and triggers.
      expect(migrated.filter((line) => line.startsWith('relation '))).toHaveLength(28);
      expect(migrated.filter((line) => line.startsWith('index ')).length).toBeGreaterThan(60);
      expect(migrated.filter((line) => line.startsWith('trigger ')).length).toBeGreaterThan(14);
      const history = await historyRows(client);

      const second = await migrator.migrate();
      expect(second.migrationsExecuted).toBe(0);
      expect(await catalogSnapshot(client)).toEqual(migrated);
      expect(await historyRows(client)).toEqual(history);

      const undone: string[] = [];
      for (let result = await migrator.undo(); result; result = await migrator.undo()) {
        undone.push(result.script);
      }
      expect(undone).toEqual(all.map((file) => `U${file.slice(1)}`).reverse());
      expect(await schemasPresent(client)).toEqual([]);
      expect(await historyRows(client)).toEqual([]);
      const { rows: extensions } = await client.query<{ extname: string }>(
        `SELECT extname FROM pg_extension WHERE extname IN ('citext', 'pgcrypto')`,
      );
      expect(extensions).toEqual([]);

      await migrator.migrate();
      expect(await catalogSnapshot(client)).toEqual(migrated);
    });
  });

  describe('with plain SQL, the six core files and their undo scripts', () => {
    let database: TestDatabase;
    let client: pg.Client;

    beforeAll(async () => {
      database = await createTestDatabase({ empty: true });
      client = await connect(database.url);
    });

    afterAll(async () => {
      await client.end();
      await database.drop();
    });

    it('undoes each file exactly: after undoing file n the catalog equals the one after file n-1', async () => {
      const snapshots: string[][] = [await catalogSnapshot(client)];
      for (const file of CORE_MIGRATIONS) {
        await applyFile(client, file);
        snapshots.push(await catalogSnapshot(client));
      }
      for (let n = CORE_MIGRATIONS.length - 1; n >= 0; n -= 1) {
        await applyFile(client, `U${CORE_MIGRATIONS[n]?.slice(1) ?? ''}`);
        expect({ undone: CORE_MIGRATIONS[n], catalog: await catalogSnapshot(client) }).toEqual({
          undone: CORE_MIGRATIONS[n],
          catalog: snapshots[n],
        });
      }
    });

    it('leaves nothing behind when a migration fails halfway (one transaction per file)', async () => {
      await applyFiles(client, CORE_MIGRATIONS.slice(0, 4));
      // A table the outreach migration creates late already exists: the file fails near its end.
      await client.query('CREATE TABLE outreach.messages (id int)');
      await expect(applyFile(client, CORE_MIGRATIONS[4])).rejects.toThrow(
        /relation "messages" already exists/,
      );
      const { rows } = await client.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'outreach' AND c.relkind = 'r' ORDER BY 1`,
      );
      expect(rows).toEqual([{ relname: 'messages' }]);
    });
  });
});
