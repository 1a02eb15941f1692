import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  CORE_MIGRATIONS,
  CORE_SCHEMAS,
  DATA_SCHEMAS,
  FUNCTION_SCHEMAS,
  applyFiles,
  readMigration,
  undoScriptOf,
  versionedMigrations,
} from './migration-files.js';
import { connect } from './pg-assertions.js';

/**
 * The six core migrations must also apply on older servers (SPEC.md: PostgreSQL 15 to 17).
 * This machine runs a PostgreSQL 15 on 127.0.0.1:5432 (trust auth); PG15_URL overrides it.
 * The later migrations (row-level security, system path) create cluster-wide roles, which a
 * shared server should not keep from a test: they run, with their undo scripts, inside one
 * transaction that is rolled back (CREATE ROLE is transactional).
 */
const ADMIN_URL = process.env.PG15_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return client;
  } catch {
    await client.end().catch(() => undefined);
    return undefined;
  }
}

describe('the core migrations on an older PostgreSQL', () => {
  let admin: pg.Client | undefined;
  const database = `outreach_compat_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(async () => {
    admin = await reachable();
    if (!admin) {
      console.warn(
        `SKIPPED: no PostgreSQL reachable at ${ADMIN_URL} (set PG15_URL to test an older server)`,
      );
      return;
    }
    await admin.query(`CREATE DATABASE ${database}`);
  });

  afterAll(async () => {
    if (!admin) return;
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('apply, accept the SPEC inserts, and undo cleanly', async () => {
    if (!admin) return;
    const { rows: version } = await admin.query<{ server_version_num: string }>(
      'SHOW server_version_num',
    );
    const major = Math.floor(Number(version[0]?.server_version_num) / 10000);
    expect(major).toBeGreaterThanOrEqual(15);
    expect(major).toBeLessThan(18);

    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    const client = await connect(url.toString());
    try {
      await applyFiles(client, CORE_MIGRATIONS);
      const organisationId = randomUUID();
      await client.query(`INSERT INTO iam.organisations (id, name) VALUES ($1, 'Société Quinze')`, [
        organisationId,
      ]);
      await client.query(
        `INSERT INTO crm.companies (organisation_id, id, name, website_url) VALUES ($1, $2, 'Quinze', 'https://quinze.example')`,
        [organisationId, randomUUID()],
      );
      const { rows } = await client.query<{ slug: string }>('SELECT slug FROM iam.organisations');
      expect(rows).toEqual([{ slug: 'societe-quinze' }]);
      const { rows: counts } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = ANY($1)`,
        [CORE_SCHEMAS],
      );
      expect(counts[0]?.n).toBe('17');

      await client.query('DELETE FROM iam.organisations');
      await applyFiles(client, CORE_MIGRATIONS.map((file) => `U${file.slice(1)}`).reverse());
      const { rows: left } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_namespace WHERE nspname = ANY($1)',
        [CORE_SCHEMAS],
      );
      expect(left[0]?.n).toBe('0');
    } finally {
      await client.end();
    }
  });

  it('apply every later migration and its undo script, and run the system functions, leaving nothing', async () => {
    if (!admin) return;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    const client = await connect(url.toString());
    const all = versionedMigrations();
    try {
      await client.query('BEGIN');
      for (const file of all) await client.query(readMigration(file));
      const { rows: claimed } = await client.query(
        `SELECT * FROM platform.claim_due_tasks('pg15', 30, 10)`,
      );
      expect(claimed).toEqual([]);
      await client.query('SAVEPOINT bad_arguments');
      await expect(
        client.query(`SELECT * FROM platform.claim_due_tasks('pg15', 0, 10)`),
      ).rejects.toMatchObject({ code: '22023' });
      await client.query('ROLLBACK TO SAVEPOINT bad_arguments');
      const { rows: resolved } = await client.query(
        `SELECT * FROM platform.resolve_tracking_token('AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA')`,
      );
      expect(resolved).toEqual([]);
      // No MAINTAIN before PostgreSQL 17: the statistics function analyses nothing there.
      await client.query(`INSERT INTO iam.organisations (name) VALUES ('Compat') RETURNING id`);
      const { rows: analysed } = await client.query(
        `SELECT * FROM platform.analyze_tables_without_statistics()`,
      );
      expect(analysed).toEqual([]);
      for (const file of [...all].reverse()) await client.query(readMigration(undoScriptOf(file)));
      const { rows: left } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_namespace WHERE nspname = ANY($1)`,
        [[...DATA_SCHEMAS, ...FUNCTION_SCHEMAS]],
      );
      expect(left[0]?.n).toBe('0');
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });
});
