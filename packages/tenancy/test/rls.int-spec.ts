import { randomUUID } from 'node:crypto';
import {
  createDataSource,
  createRepositories,
  CursorCodec,
  runInTenantTransaction,
  type OrganisationId,
} from '@outreach/db';
import { addMember, FIXTURE_CURSOR_SECRET, seedTwoOrganisations } from '@outreach/db/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';

/**
 * Row-level security as the apps see it: connected as outreach_app_user (member of the
 * RLS-bound outreach_app role), with and without `app.organisation_id` set per transaction.
 */
async function renameCompany(
  dataSource: DataSource,
  organisationId: OrganisationId,
  companyId: string,
  name: string,
): Promise<void> {
  await runInTenantTransaction(dataSource, organisationId, (manager) =>
    createRepositories(manager, new CursorCodec(FIXTURE_CURSOR_SECRET)).companies.update(
      organisationId,
      companyId,
      { name },
    ),
  );
}

async function renameOrganisation(
  dataSource: DataSource,
  organisationId: OrganisationId,
  name: string,
): Promise<void> {
  const slug = name.toLowerCase().replace(/\W+/g, '-');
  await runInTenantTransaction(dataSource, organisationId, (manager) =>
    createRepositories(manager, new CursorCodec(FIXTURE_CURSOR_SECRET)).organisations.update(
      organisationId,
      { name, slug },
    ),
  );
}

describe('row-level security as outreach_app', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let app: pg.Client;
  let orgA = '';
  let orgB = '';
  let companyA = '';
  let companyB = '';
  let user = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    app = new pg.Client({ connectionString: database.appUrl });
    await admin.connect();
    await app.connect();
    // Seeded through packages/db's repositories (as the app role, under RLS): each organisation
    // gets one company ('A co' / 'B co') and its own owner; the probe user owns A and views B.
    const seeding = await createDataSource({
      url: database.appUrl,
      applicationName: 'seed',
    }).initialize();
    try {
      const { a, b } = await seedTwoOrganisations(seeding);
      [orgA, orgB, companyA, companyB] = [
        a.organisationId,
        b.organisationId,
        a.company.id,
        b.company.id,
      ];
      await renameCompany(seeding, a.organisationId, companyA, 'A co');
      await renameCompany(seeding, b.organisationId, companyB, 'B co');
      await renameOrganisation(seeding, a.organisationId, 'Org A');
      await renameOrganisation(seeding, b.organisationId, 'Org B');
      user = await addMember(seeding, a.organisationId, { email: 'rls@example.fr', role: 'owner' });
      await addMember(seeding, b.organisationId, { email: 'rls@example.fr', role: 'viewer' });
    } finally {
      await seeding.destroy();
    }
  });

  afterAll(async () => {
    await app.end();
    await admin.end();
    await database.drop();
  });

  /** One transaction as the app, with app.organisation_id set when `organisationId` is given. */
  async function asApp<T>(organisationId: string | null, work: () => Promise<T>): Promise<T> {
    await app.query('BEGIN');
    try {
      if (organisationId) {
        await app.query(`SELECT set_config('app.organisation_id', $1, true)`, [organisationId]);
      }
      const result = await work();
      await app.query('COMMIT');
      return result;
    } catch (error) {
      await app.query('ROLLBACK');
      throw error;
    }
  }

  const names = async (sql: string): Promise<string[]> =>
    (await app.query<{ name: string }>(sql)).rows.map((row) => row.name).sort();

  it('connects as a role without superuser or BYPASSRLS that owns no table', async () => {
    const { rows } = await app.query<{ rolsuper: boolean; rolbypassrls: boolean; owned: string }>(
      `SELECT r.rolsuper, r.rolbypassrls,
              (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::text AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, owned: '0' }]);
    const member = await app.query(
      `SELECT pg_has_role(current_user, 'outreach_app', 'member') AS m`,
    );
    expect(member.rows[0]).toEqual({ m: true });
  });

  it('reads every tenant table as empty without app.organisation_id', async () => {
    await asApp(null, async () => {
      expect(await names('SELECT name FROM crm.companies')).toEqual([]);
      expect(await names('SELECT name FROM iam.organisations')).toEqual([]);
      expect((await app.query('SELECT * FROM iam.organisation_users')).rowCount).toBe(0);
    });
    // The rows are there: the superuser sees both organisations.
    expect((await admin.query('SELECT * FROM crm.companies')).rowCount).toBe(2);
  });

  it('refuses writes without app.organisation_id', async () => {
    await expect(
      asApp(null, () =>
        app.query(`INSERT INTO crm.companies (organisation_id, name) VALUES ($1, 'x')`, [orgA]),
      ),
    ).rejects.toThrow('new row violates row-level security policy for table "companies"');
    const updated = await asApp(null, () => app.query(`UPDATE crm.companies SET name = 'hacked'`));
    expect(updated.rowCount).toBe(0);
    const deleted = await asApp(null, () => app.query(`DELETE FROM crm.companies`));
    expect(deleted.rowCount).toBe(0);
  });

  it('confines reads to the organisation that is set', async () => {
    await asApp(orgA, async () => {
      expect(await names('SELECT name FROM crm.companies')).toEqual(['A co']);
      expect(await names('SELECT name FROM iam.organisations')).toEqual(['Org A']);
      const memberships = await app.query('SELECT organisation_id FROM iam.organisation_users');
      // A's fixture owner and the probe user: both of A, none of B.
      expect(memberships.rows).toEqual([{ organisation_id: orgA }, { organisation_id: orgA }]);
      // Even naming B's row explicitly finds nothing.
      const b = await app.query('SELECT * FROM crm.companies WHERE id = $1', [companyB]);
      expect(b.rowCount).toBe(0);
    });
    await asApp(orgB, async () => {
      expect(await names('SELECT name FROM crm.companies')).toEqual(['B co']);
    });
  });

  it('cannot insert a row for another organisation', async () => {
    await expect(
      asApp(orgA, () =>
        app.query(`INSERT INTO crm.companies (organisation_id, name) VALUES ($1, 'intruder')`, [
          orgB,
        ]),
      ),
    ).rejects.toThrow('new row violates row-level security policy');
    await expect(
      asApp(orgA, () =>
        app.query(
          `INSERT INTO iam.organisation_users (organisation_id, user_id, role, status)
                   VALUES ($1, $2, 'owner', 'active') ON CONFLICT DO NOTHING`,
          [orgB, user],
        ),
      ),
    ).rejects.toThrow('new row violates row-level security policy');
  });

  it("cannot move a row into another organisation, nor touch the other's rows", async () => {
    await expect(
      asApp(orgA, () =>
        app.query('UPDATE crm.companies SET organisation_id = $1 WHERE id = $2', [orgB, companyA]),
      ),
    ).rejects.toThrow('new row violates row-level security policy');
    const updated = await asApp(orgA, () =>
      app.query(`UPDATE crm.companies SET name = 'hacked' WHERE id = $1`, [companyB]),
    );
    expect(updated.rowCount).toBe(0);
    const deleted = await asApp(orgA, () =>
      app.query('DELETE FROM crm.companies WHERE id = $1', [companyB]),
    );
    expect(deleted.rowCount).toBe(0);
    const b = await admin.query<{ name: string }>('SELECT name FROM crm.companies WHERE id = $1', [
      companyB,
    ]);
    expect(b.rows).toEqual([{ name: 'B co' }]);
  });

  it('creates an organisation only under its own id, deriving a unique slug', async () => {
    const orgC = randomUUID();
    await expect(
      asApp(orgA, () =>
        app.query(`INSERT INTO iam.organisations (id, name) VALUES ($1, 'C')`, [orgC]),
      ),
    ).rejects.toThrow('new row violates row-level security policy for table "organisations"');
    const created = await asApp(orgC, () =>
      app.query<{ slug: string }>(
        `INSERT INTO iam.organisations (id, name) VALUES ($1, 'Org A') RETURNING slug`,
        [orgC],
      ),
    );
    // 'org-a' is taken by an organisation the app cannot see: the slug trigger still sees it.
    expect(created.rows).toEqual([{ slug: 'org-a-2' }]);
  });

  it('keeps the setting inside its transaction (safe behind pgBouncer transaction pooling)', async () => {
    await asApp(orgA, async () => {
      expect(await names('SELECT name FROM crm.companies')).toEqual(['A co']);
    });
    const after = await app.query<{ setting: string | null }>(
      `SELECT current_setting('app.organisation_id', true) AS setting`,
    );
    expect(after.rows[0]?.setting ?? '').toBe('');
    expect((await app.query('SELECT * FROM crm.companies')).rowCount).toBe(0);
  });

  it('cannot switch row-level security off, read the migration history, or delete organisations', async () => {
    await expect(app.query('ALTER TABLE crm.companies DISABLE ROW LEVEL SECURITY')).rejects.toThrow(
      'must be owner of table companies',
    );
    await expect(app.query('SELECT * FROM public.flyway_schema_history')).rejects.toThrow(
      'permission denied for table flyway_schema_history',
    );
    await expect(
      asApp(orgA, () => app.query('DELETE FROM iam.organisations WHERE id = $1', [orgA])),
    ).rejects.toThrow('permission denied for table organisations');
    await expect(app.query('SET row_security = off; SELECT * FROM crm.companies')).rejects.toThrow(
      /row-level security/,
    );
  });

  it('enables and forces row-level security, with a policy, on every tenant table', async () => {
    const { rows } = await admin.query<{
      table: string;
      rls: boolean;
      forced: boolean;
      policies: string;
    }>(
      `SELECT n.nspname || '.' || c.relname AS table, c.relrowsecurity AS rls,
              c.relforcerowsecurity AS forced,
              (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::text AS policies
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname IN ('iam', 'crm', 'outreach', 'tracking', 'delivery', 'imports')
        ORDER BY 1`,
    );
    expect(rows).toHaveLength(25);
    const unprotected = rows.filter(
      (row) => row.table !== 'iam.users' && (!row.rls || !row.forced || row.policies === '0'),
    );
    expect(unprotected).toEqual([]);
    // iam.users is global (identities shared by organisations), documented in the migration.
    expect(rows.find((row) => row.table === 'iam.users')).toMatchObject({ rls: false });
  });
});
