import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { InvalidCursorError } from '../src/errors/invalid-cursor.error.js';
import { InvalidInputError } from '../src/errors/invalid-input.error.js';
import type { Company } from '../src/crm/company.entity.js';
import type { OrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import type { ListOptions, Page } from '../src/repositories/organisation-scoped.repository.js';
import { createRepositories } from '../src/repositories/repositories.factory.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

const codec = new CursorCodec('pagination-int-spec-secret');
type CompanyList = ListOptions<
  Company,
  'createdAt' | 'id' | 'name',
  'domain' | 'siren' | 'pharowCompanyId'
>;

describe('keyset pagination with opaque cursors', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  function list(org: OrganisationId, options: CompanyList): Promise<Page<Company>> {
    return runInTenantTransaction(dataSource, org, (manager) =>
      createRepositories(manager, codec).companies.list(org, options),
    );
  }

  async function all(org: OrganisationId, options: CompanyList): Promise<Company[]> {
    const seen: Company[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page<Company> = await list(org, { ...options, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return seen;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, applicationName: 'db-pagination-test' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
    // 120 more companies in A: 60 in one transaction (identical created_at, ties broken by id),
    // 60 one by one (distinct microsecond timestamps).
    const org = fixture.a.organisationId;
    await runInTenantTransaction(dataSource, org, async (manager) => {
      const repos = createRepositories(manager, codec);
      for (let i = 0; i < 60; i += 1) {
        await repos.companies.create(org, { name: `Batch ${String(i).padStart(3, '0')}` });
      }
    });
    for (let i = 0; i < 60; i += 1) {
      await runInTenantTransaction(dataSource, org, (manager) =>
        createRepositories(manager, codec).companies.create(org, {
          name: `Single ${String(i).padStart(3, '0')}`,
        }),
      );
    }
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('walks every row exactly once, in order, 50 at a time, for each sort and direction', async () => {
    const org = fixture.a.organisationId;
    for (const sort of ['createdAt', 'id', 'name'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const rows = await all(org, { sort, direction, limit: 50 });
        expect(rows).toHaveLength(121);
        expect(new Set(rows.map((row) => row.id)).size).toBe(121);
        const sign = direction === 'asc' ? 1 : -1;
        for (let i = 1; i < rows.length; i += 1) {
          const [previous, current] = [rows[i - 1], rows[i]] as [Company, Company];
          if (sort === 'id') expect(sign * previous.id.localeCompare(current.id)).toBeLessThan(0);
          if (sort === 'createdAt') {
            // Millisecond Dates may tie where PostgreSQL's microseconds do not: never out of order.
            const delta = current.createdAt.getTime() - previous.createdAt.getTime();
            expect(sign * delta).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }
  });

  it('returns the first page with a cursor and the last one without', async () => {
    const org = fixture.a.organisationId;
    const first = await list(org, { limit: 50 });
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const onlyOne = await list(fixture.b.organisationId, { limit: 50 });
    expect(onlyOne.items).toHaveLength(1);
    expect(onlyOne.nextCursor).toBeNull();
  });

  it('filters by equality within the organisation', async () => {
    const { a, b } = fixture;
    const page = await list(a.organisationId, { filters: { siren: a.company.siren } });
    expect(page.items.map((c) => c.id)).toEqual([a.company.id]);
    const none = await list(b.organisationId, { filters: { siren: a.company.siren } });
    expect(none.items).toEqual([]);
  });

  it('refuses a tampered cursor, a cursor of another organisation, or of another sort', async () => {
    const { a, b } = fixture;
    const { nextCursor } = await list(a.organisationId, { limit: 10 });
    if (!nextCursor) throw new Error('expected a cursor');
    const tampered = `${nextCursor.slice(0, 5)}${nextCursor[5] === 'A' ? 'B' : 'A'}${nextCursor.slice(6)}`;
    await expect(list(a.organisationId, { cursor: tampered })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(list(b.organisationId, { cursor: nextCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(
      list(a.organisationId, { cursor: nextCursor, sort: 'name' }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('refuses bad limits, sorts and filters with the field named', async () => {
    const org = fixture.a.organisationId;
    await expect(list(org, { limit: 0 })).rejects.toMatchObject({ field: 'limit' });
    await expect(list(org, { limit: 201 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(list(org, { sort: 'city' as never })).rejects.toMatchObject({ field: 'sort' });
    await expect(list(org, { filters: { city: 'Paris' } as never })).rejects.toMatchObject({
      kind: 'not_allowed',
      field: 'city',
    });
  });
});
