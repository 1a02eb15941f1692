import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { asOrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { createRepositories } from '../src/repositories/repositories.factory.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedOrganisation, type OrganisationFixture } from '../src/testing/factories.js';

describe('DataSource factory and tenant transactions (pgBouncer transaction-mode safe)', () => {
  let database: TestDatabase;
  /** One connection, so "the next transaction" runs on the same server session. */
  let dataSource: DataSource;
  let fixture: OrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({
      url: database.url,
      applicationName: 'outreach-db-test',
      poolSize: 1,
      statementTimeoutMs: 300,
    });
    await dataSource.initialize();
    fixture = await seedOrganisation(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  async function setting(name: string): Promise<string> {
    const rows: Array<{ value: string | null }> = await dataSource.query(
      'SELECT current_setting($1, true) AS value',
      [name],
    );
    return rows[0]?.value ?? '';
  }

  it('sets app.organisation_id and statement_timeout for the transaction only', async () => {
    const { organisationId } = fixture;
    const inside = await runInTenantTransaction(dataSource, organisationId, async (manager) => {
      const rows: Array<{ org: string; timeout: string }> = await manager.query(
        `SELECT current_setting('app.organisation_id') AS org, current_setting('statement_timeout') AS timeout`,
      );
      return rows[0];
    });
    expect(inside).toEqual({ org: organisationId, timeout: '300ms' });
    // Same (only) connection afterwards: nothing left behind for the next client.
    expect(await setting('app.organisation_id')).toBe('');
    expect(await setting('statement_timeout')).toBe('0');
  });

  it('cancels a statement that runs past the timeout', async () => {
    await expect(
      runInTenantTransaction(dataSource, fixture.organisationId, (manager) =>
        manager.query('SELECT pg_sleep(2)'),
      ),
    ).rejects.toThrow(/statement timeout/);
  });

  it('rolls back everything when the work throws', async () => {
    const { organisationId } = fixture;
    const codec = new CursorCodec('tenant-transaction-spec-secret');
    let createdId = '';
    await expect(
      runInTenantTransaction(dataSource, organisationId, async (manager) => {
        const company = await createRepositories(manager, codec).companies.create(organisationId, {
          name: 'Never committed',
        });
        createdId = company.id;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await runInTenantTransaction(dataSource, organisationId, (manager) =>
      createRepositories(manager, codec).companies.find(organisationId, createdId),
    );
    expect(createdId).not.toBe('');
    expect(after).toBeNull();
  });

  it('uses no named prepared statements and reports its application_name', async () => {
    const { organisationId } = fixture;
    const codec = new CursorCodec('tenant-transaction-spec-secret');
    const seen = await runInTenantTransaction(dataSource, organisationId, async (manager) => {
      const repos = createRepositories(manager, codec);
      await repos.companies.list(organisationId);
      await repos.positions.find(organisationId, fixture.position.id);
      const rows: Array<{ prepared: string; app: string }> = await manager.query(
        `SELECT (SELECT count(*) FROM pg_prepared_statements)::text AS prepared,
                (SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS app`,
      );
      return rows[0];
    });
    expect(seen).toEqual({ prepared: '0', app: 'outreach-db-test' });
  });

  it('sizes the pool from config and refuses nonsense', () => {
    const driver = dataSource.driver as unknown as { master: { options: { max: number } } };
    expect(driver.master.options.max).toBe(1);
    expect(() =>
      createDataSource({ url: database.url, applicationName: 'x', poolSize: 0 }),
    ).toThrow(/poolSize/);
    expect(() => asOrganisationId('00000000-0000-0000-0000-00000000000g')).toThrow(
      /organisation_id must be a UUID/,
    );
  });
});
