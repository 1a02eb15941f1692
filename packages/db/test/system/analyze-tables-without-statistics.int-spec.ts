import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.factory.js';
import { SystemDatabase } from '../../src/system/index.js';
import { seedTwoOrganisations } from '../../src/testing/factories.js';
import { connect } from '../schema/pg-assertions.js';

/** The data schemas' tables that have pages but no statistics (what the function is for). */
const WITHOUT_STATISTICS = `
  SELECT n.nspname || '.' || c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind = 'r' AND c.reltuples < 0 AND pg_relation_size(c.oid) > 0
     AND n.nspname IN ('iam', 'crm', 'outreach', 'tracking', 'delivery', 'imports', 'analytics')
   ORDER BY 1`;

/** Called as outreach_app_user (RLS-bound, owns nothing); the superuser only sets up and checks. */
describe('SystemDatabase.analyzeTablesWithoutStatistics (platform.analyze_tables_without_statistics)', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let dataSource: DataSource;
  let system: SystemDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await connect(database.url);
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'first-statistics' });
    await dataSource.initialize();
    await seedTwoOrganisations(dataSource);
    system = new SystemDatabase(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await admin.end();
    await database.drop();
  });

  it('analyses every table that got rows but has no statistics, once', async () => {
    const before = (await admin.query<{ name: string }>(WITHOUT_STATISTICS)).rows.map(
      (r) => r.name,
    );
    expect(before).toEqual(expect.arrayContaining(['iam.organisations', 'crm.companies']));

    const analysed = await system.analyzeTablesWithoutStatistics();

    expect(analysed).toEqual(before);
    expect((await admin.query(WITHOUT_STATISTICS)).rows).toEqual([]);
    const { rows } = await admin.query<{ reltuples: number }>(
      `SELECT reltuples FROM pg_class WHERE oid = 'iam.organisations'::regclass`,
    );
    expect(rows[0]?.reltuples).toBe(2);
    // Statistics of a column: what the planner was missing.
    const { rows: columns } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stats
        WHERE schemaname = 'crm' AND tablename = 'companies' AND attname = 'organisation_id'`,
    );
    expect(columns[0]?.n).toBe('1');
    await expect(system.analyzeTablesWithoutStatistics()).resolves.toEqual([]);
  });

  it('analyses again a table that was analysed while empty, once it has rows', async () => {
    await admin.query('ANALYZE delivery.suppressions');
    expect(await system.analyzeTablesWithoutStatistics()).not.toContain('delivery.suppressions');
    // The superuser bypasses row-level security; the changes reach the statistics views at once.
    await admin.query(
      `INSERT INTO delivery.suppressions (organisation_id, kind, value, reason)
       SELECT id, 'email', 'claire@example.fr', 'manual' FROM iam.organisations LIMIT 1`,
    );
    await admin.query('SELECT pg_stat_force_next_flush()');
    await admin.query('SELECT 1');

    await expect(system.analyzeTablesWithoutStatistics()).resolves.toEqual([
      'delivery.suppressions',
    ]);
    await expect(system.analyzeTablesWithoutStatistics()).resolves.toEqual([]);
  });

  it('returns at once, analysing nothing, while another caller runs it', async () => {
    await admin.query(`SELECT pg_clear_relation_stats('iam', 'organisations')`);
    await admin.query('BEGIN');
    try {
      await admin.query(
        `SELECT pg_advisory_xact_lock(hashtext('platform'), hashtext('analyze_tables_without_statistics'))`,
      );
      await expect(system.analyzeTablesWithoutStatistics()).resolves.toEqual([]);
    } finally {
      await admin.query('ROLLBACK');
    }
    await expect(system.analyzeTablesWithoutStatistics()).resolves.toEqual(['iam.organisations']);
  });

  it('starts no ANALYZE once its time budget has passed, and goes on at the next call', async () => {
    for (const table of ['organisations', 'users']) {
      await admin.query(`SELECT pg_clear_relation_stats('iam', $1)`, [table]);
    }
    const once = (): Promise<Array<{ table_name: string }>> =>
      dataSource.query(`SELECT table_name FROM platform.analyze_tables_without_statistics('0')`);
    await expect(once()).resolves.toEqual([{ table_name: 'iam.organisations' }]);
    await expect(once()).resolves.toEqual([{ table_name: 'iam.users' }]);
    await expect(once()).resolves.toEqual([]);
  });

  it('runs as outreach_maintenance, which may analyse but read or write no row', async () => {
    const { rows } = await admin.query<{ login: boolean; superuser: boolean; bypass: boolean }>(
      `SELECT rolcanlogin AS login, rolsuper AS superuser, rolbypassrls AS bypass
         FROM pg_roles WHERE rolname = 'outreach_maintenance'`,
    );
    expect(rows).toEqual([{ login: false, superuser: false, bypass: false }]);
    const { rows: privileges } = await admin.query<{ privilege: string }>(
      `SELECT DISTINCT a.privilege_type AS privilege
         FROM pg_class c, aclexplode(c.relacl) a
        WHERE a.grantee = 'outreach_maintenance'::regrole`,
    );
    expect(privileges).toEqual([{ privilege: 'MAINTAIN' }]);
    await admin.query('BEGIN');
    try {
      // Tables created later by the migrating role get MAINTAIN too (default privileges).
      await admin.query('CREATE TABLE crm.created_later (id integer)');
      const { rows: later } = await admin.query<{ maintain: boolean }>(
        `SELECT has_table_privilege('outreach_maintenance', 'crm.created_later', 'MAINTAIN') AS maintain`,
      );
      expect(later).toEqual([{ maintain: true }]);
      await admin.query('SET LOCAL ROLE outreach_maintenance');
      await expect(admin.query('SELECT count(*) FROM crm.companies')).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await admin.query('ROLLBACK');
    }
    // The app role itself owns nothing and may not analyse: PostgreSQL skips with a warning.
    await admin.query(`SELECT pg_clear_relation_stats('crm', 'people')`);
    await dataSource.query('ANALYZE crm.people');
    expect((await admin.query(WITHOUT_STATISTICS)).rows).toEqual([{ name: 'crm.people' }]);
  });
});
