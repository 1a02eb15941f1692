import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { createRepositories } from '../src/repositories/repositories.factory.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

const codec = new CursorCodec('row-level-security-spec-secret');

describe('repositories and fixture as the RLS-bound application role (outreach_app_user)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'db-rls-test' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('runs as a role that is neither superuser nor BYPASSRLS', async () => {
    const rows: Array<{ rolsuper: boolean; rolbypassrls: boolean }> = await dataSource.query(
      'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
  });

  it('seeds every table of both organisations through the repositories under RLS', async () => {
    const { a } = fixture;
    const page = await runInTenantTransaction(dataSource, a.organisationId, (manager) =>
      createRepositories(manager, codec).messages.list(a.organisationId),
    );
    expect(page.items.map((m) => m.id)).toEqual([a.message.id]);
  });

  it('even an unfiltered SQL statement sees only the transaction’s organisation', async () => {
    const { a, b } = fixture;
    const seen = await runInTenantTransaction(dataSource, a.organisationId, async (manager) => {
      const rows: Array<{ organisation_id: string }> = await manager.query(
        'SELECT organisation_id FROM crm.companies',
      );
      return rows.map((row) => row.organisation_id);
    });
    expect(seen).toEqual([a.organisationId]);
    expect(seen).not.toContain(b.organisationId);
    // Outside a tenant transaction: nothing at all.
    const outside: unknown[] = await dataSource.query('SELECT id FROM crm.companies');
    expect(outside).toEqual([]);
  });
});
