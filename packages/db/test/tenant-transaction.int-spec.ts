import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { asOrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { createRepositories } from '../src/repositories/repositories.factory.js';
import { MembershipRepository } from '../src/repositories/membership.repository.js';
import {
  runInTenantTransaction,
  runInTenantTransactionWith,
  runTenantStatement,
} from '../src/tenant-transaction.js';
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

  it('applies the isolation level and opens in one round trip with the caller look-up', async () => {
    const { organisationId, owner } = fixture;
    const seen = await runInTenantTransactionWith(
      dataSource,
      organisationId,
      MembershipRepository.callerLookup(organisationId, owner.email.toUpperCase()),
      async (manager, caller) => {
        const rows: Array<{ isolation: string }> = await manager.query(
          `SELECT current_setting('transaction_isolation') AS isolation`,
        );
        return { caller, isolation: rows[0]?.isolation };
      },
      { isolationLevel: 'REPEATABLE READ' },
    );
    expect(seen).toEqual({
      caller: { userId: owner.id, membership: { role: 'owner', status: 'active' } },
      isolation: 'repeatable read',
    });
    expect(await setting('app.organisation_id')).toBe('');
  });

  it('escapes the caller e-mail: quotes and injection attempts find nobody and break nothing', async () => {
    const { organisationId } = fixture;
    for (const email of [`o'brien@example.fr`, `x' OR '1'='1`, `x'; DROP TABLE iam.users; --`]) {
      const caller = await runInTenantTransactionWith(
        dataSource,
        organisationId,
        MembershipRepository.callerLookup(organisationId, email),
        (_manager, found) => Promise.resolve(found),
      );
      expect(caller).toBeNull();
    }
    const users = await runInTenantTransaction(dataSource, organisationId, (manager) =>
      createRepositories(manager, new CursorCodec('tenant-transaction-spec-secret')).users.find(
        fixture.owner.id,
      ),
    );
    expect(users?.email).toBe(fixture.owner.email);
  });

  it('gives the connection back clean when the opening round trip fails', async () => {
    const broken = { sql: 'SELECT no_such_column FROM iam.users', read: () => null };
    await expect(
      runInTenantTransactionWith(dataSource, fixture.organisationId, broken, () =>
        Promise.resolve('never'),
      ),
    ).rejects.toThrow(/no_such_column/);
    // The only connection is usable and outside any transaction.
    expect(await setting('app.organisation_id')).toBe('');
    const rows: Array<{ open: boolean }> = await dataSource.query(
      `SELECT now() = statement_timestamp() AS open`,
    );
    expect(rows[0]?.open).toBe(true);
  });

  it('runs a tenant statement as its own transaction: confined, all or nothing, nothing left behind', async () => {
    const { organisationId } = fixture;
    const inside = await runTenantStatement(dataSource, organisationId, {
      sql: `SELECT current_setting('app.organisation_id') AS org,
                   current_setting('statement_timeout') AS timeout,
                   (SELECT count(*)::int FROM iam.organisations) AS visible`,
      read: (rows) => rows[0],
    });
    expect(inside).toEqual({ org: organisationId, timeout: '300ms', visible: 1 });
    expect(await setting('app.organisation_id')).toBe('');
    expect(await setting('statement_timeout')).toBe('0');

    // Two statements, the second failing: the first one's insert is rolled back with it.
    const name = `Rolled back ${String(Date.now())}`;
    await expect(
      runTenantStatement(dataSource, organisationId, {
        sql: `INSERT INTO crm.companies (organisation_id, name) VALUES ('${organisationId}', '${name}');
              SELECT no_such_column FROM crm.companies`,
        read: () => null,
      }),
    ).rejects.toThrow(/no_such_column/);
    const found = await runTenantStatement(dataSource, organisationId, {
      sql: `SELECT count(*)::int AS n FROM crm.companies WHERE name = '${name}'`,
      read: (rows) => rows[0]?.n,
    });
    expect(found).toBe(0);
    const rows: Array<{ open: boolean }> = await dataSource.query(
      `SELECT now() = statement_timestamp() AS open`,
    );
    expect(rows[0]?.open).toBe(true);
  });
});
