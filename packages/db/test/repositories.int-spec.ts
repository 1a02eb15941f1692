import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { Position } from '../src/crm/position.entity.js';
import type { OrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import type {
  OrganisationOwned,
  OrganisationScopedRepository,
} from '../src/repositories/organisation-scoped.repository.js';
import { createRepositories, type Repositories } from '../src/repositories/repositories.factory.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import {
  seedTwoOrganisations,
  type OrganisationFixture,
  type TwoOrganisationFixture,
} from '../src/testing/factories.js';

const codec = new CursorCodec('repositories-int-spec-secret');

type AnyRow = OrganisationOwned & { id: string; userId?: string };
/** The scoped repositories seen through one shape, so one table-driven test covers them all. */
type AnyScoped = OrganisationScopedRepository<AnyRow, 'id', string, never>;
type ScopedName = Exclude<keyof Repositories, 'organisations' | 'users'>;

function scoped(repos: Repositories, name: ScopedName): AnyScoped {
  return repos[name] as unknown as AnyScoped;
}

describe('organisation-scoped repositories round-trip every table on PostgreSQL 18', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, applicationName: 'db-repositories-test' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  function inOrg<T>(
    org: OrganisationId,
    work: (repos: Repositories, manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return runInTenantTransaction(dataSource, org, (manager) =>
      work(createRepositories(manager, codec), manager),
    );
  }

  /** Each scoped repository: the fixture row it reads and a change it can make. */
  const cases: Array<{
    repo: ScopedName;
    row: (f: OrganisationFixture) => { id?: string; userId?: string; organisationId: string };
    patch: Record<string, unknown>;
  }> = [
    { repo: 'organisationUsers', row: (f) => f.membership, patch: { role: 'admin' } },
    {
      repo: 'companies',
      row: (f) => f.company,
      patch: { name: 'Renamed SAS', employeeRange: '50-99' },
    },
    { repo: 'people', row: (f) => f.person, patch: { lastName: 'Martin' } },
    {
      repo: 'positions',
      row: (f) => f.position,
      patch: { emailStatus: 'risky', emailReliability: 40 },
    },
    {
      repo: 'campaigns',
      row: (f) => f.campaign,
      patch: { status: 'active', sendingDays: [1, 3, 5] },
    },
    { repo: 'prompts', row: (f) => f.prompt, patch: { model: 'gpt-x' } },
    { repo: 'workflowSteps', row: (f) => f.step, patch: { delayDays: 3 } },
    { repo: 'stepExperiments', row: (f) => f.experiment, patch: { metric: 'open_rate' } },
    { repo: 'stepExperimentVariants', row: (f) => f.variant, patch: { weight: 3 } },
    { repo: 'campaignEnrollments', row: (f) => f.enrollment, patch: { status: 'paused' } },
    { repo: 'tasks', row: (f) => f.task, patch: { attempts: 1, lastError: 'SMTP 421' } },
    { repo: 'messages', row: (f) => f.message, patch: { subject: 'Relance' } },
    { repo: 'messageOpenStats', row: (f) => f.openStats, patch: { lastUserAgent: 'Mozilla/5.0' } },
    // Immutable tables: read and delete only.
    { repo: 'enrollmentStepVariantAssignments', row: (f) => f.assignment, patch: {} },
    { repo: 'pixels', row: (f) => f.pixel, patch: {} },
  ];

  function keyOf(row: { id?: string; userId?: string }): string {
    const key = row.id ?? row.userId;
    if (!key) throw new Error('fixture row without key');
    return key;
  }

  it.each(cases)(
    '$repo: reads its own row, never the other organisation’s',
    async ({ repo, row }) => {
      const a = fixture.a;
      const b = fixture.b;
      const id = keyOf(row(a));
      const found = await inOrg(a.organisationId, (r) =>
        scoped(r, repo).find(a.organisationId, id),
      );
      expect(found).toMatchObject({ organisationId: a.organisationId });
      expect(found).toEqual(row(a));
      const leaked = await inOrg(b.organisationId, (r) =>
        scoped(r, repo).find(b.organisationId, id),
      );
      expect(leaked).toBeNull();
      const page = await inOrg(a.organisationId, (r) => scoped(r, repo).list(a.organisationId));
      expect(page.items.map(keyOf)).toContain(id);
      expect(page.items.every((item) => item.organisationId === a.organisationId)).toBe(true);
    },
  );

  it.each(cases.filter((c) => Object.keys(c.patch).length > 0))(
    '$repo: updates its own row, and cannot update the other organisation’s',
    async ({ repo, row, patch }) => {
      const a = fixture.a;
      const b = fixture.b;
      const id = keyOf(row(a));
      const updated = await inOrg(a.organisationId, (r) =>
        scoped(r, repo).update(a.organisationId, id, patch),
      );
      expect(updated).toMatchObject(patch);
      const reread = await inOrg(a.organisationId, (r) =>
        scoped(r, repo).find(a.organisationId, id),
      );
      expect(reread).toMatchObject(patch);
      const foreign = await inOrg(b.organisationId, (r) =>
        scoped(r, repo).update(b.organisationId, id, patch),
      );
      expect(foreign).toBeNull();
    },
  );

  it('keeps updated_at current on update (trigger) and created_at unchanged', async () => {
    const { organisationId, person } = fixture.a;
    const updated = await inOrg(organisationId, (r) =>
      r.people.update(organisationId, person.id, { city: 'Lyon' }),
    );
    expect(updated?.city).toBe('Lyon');
    expect(updated?.createdAt.getTime()).toBe(person.createdAt.getTime());
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(person.updatedAt.getTime());
  });

  it('creates with database defaults and triggers applied (slug, pixel token, counters)', async () => {
    const { organisation, pixel, openStats, campaign, organisationId } = fixture.a;
    expect(organisation.slug).toMatch(/^organisation-a-/);
    // Token: the organisation id (base64url) + '.' + random part, set by the trigger.
    expect(pixel.token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{24}$/);
    expect(openStats).toMatchObject({ openCount: 0, humanOpenCount: 0, firstOpenAt: null });
    expect(campaign).toMatchObject({
      status: 'draft',
      timezone: 'Europe/Paris',
      sendingWindowStart: '09:00:00',
      sendingDays: [1, 2, 3, 4, 5],
      dailyLimit: 50,
      trackOpens: true,
    });
    const stored = await inOrg(organisationId, (r) => r.organisations.find(organisationId));
    expect(stored).toEqual(organisation);
  });

  it('deletes only within the organisation, and cascades as the schema says', async () => {
    const { a, b } = fixture;
    expect(
      await inOrg(b.organisationId, (r) => r.pixels.delete(b.organisationId, a.pixel.id)),
    ).toBe(false);
    expect(
      await inOrg(a.organisationId, (r) => r.pixels.delete(a.organisationId, a.pixel.id)),
    ).toBe(true);
    expect(
      await inOrg(a.organisationId, (r) => r.pixels.find(a.organisationId, a.pixel.id)),
    ).toBeNull();
    expect(
      await inOrg(a.organisationId, (r) =>
        r.enrollmentStepVariantAssignments.delete(a.organisationId, a.assignment.id),
      ),
    ).toBe(true);
    // Deleting the company removes its positions (ON DELETE CASCADE), and their enrollments.
    expect(
      await inOrg(a.organisationId, (r) => r.companies.delete(a.organisationId, a.company.id)),
    ).toBe(true);
    expect(
      await inOrg(a.organisationId, (r) => r.positions.find(a.organisationId, a.position.id)),
    ).toBeNull();
    expect(
      await inOrg(a.organisationId, (r) =>
        r.campaignEnrollments.find(a.organisationId, a.enrollment.id),
      ),
    ).toBeNull();
    // B is untouched.
    expect(
      await inOrg(b.organisationId, (r) => r.positions.find(b.organisationId, b.position.id)),
    ).not.toBeNull();
  });

  it('users are global: found by id and by e-mail case-insensitively, and updatable', async () => {
    const { owner, organisationId } = fixture.b;
    const byEmail = await inOrg(organisationId, (r) =>
      r.users.findByEmail(owner.email.toUpperCase()),
    );
    expect(byEmail).toEqual(owner);
    const updated = await inOrg(organisationId, (r) =>
      r.users.update(owner.id, { firstName: 'Odette' }),
    );
    expect(updated?.firstName).toBe('Odette');
    expect(await inOrg(organisationId, (r) => r.users.find(owner.id))).toEqual(updated);
  });

  it('organisations: rename keeps the slug; delete removes everything it owns', async () => {
    const { organisationId, organisation, company } = fixture.b;
    const renamed = await inOrg(organisationId, (r) =>
      r.organisations.update(organisationId, { name: 'Renamed' }),
    );
    expect(renamed).toMatchObject({ name: 'Renamed', slug: organisation.slug });
    expect(await inOrg(organisationId, (r) => r.organisations.delete(organisationId))).toBe(true);
    expect(
      await inOrg(organisationId, (r) => r.companies.find(organisationId, company.id)),
    ).toBeNull();
  });

  it('TypeORM’s own insert writes the shared organisation_id of composite relations once', async () => {
    const { organisationId } = fixture.a;
    const repos = await inOrg(organisationId, async (r) => {
      const company = await r.companies.create(organisationId, { name: 'Second SAS' });
      const person = await r.people.create(organisationId, { firstName: 'Léa' });
      return { company, person };
    });
    const id = await inOrg(organisationId, async (_r, manager) => {
      const position = manager.create(Position, {
        organisationId,
        personId: repos.person.id,
        companyId: repos.company.id,
        emailStatus: 'unknown',
        status: 'active',
      });
      position.id = crypto.randomUUID();
      await manager.insert(Position, position);
      return position.id;
    });
    const stored = await inOrg(organisationId, (r) => r.positions.find(organisationId, id));
    expect(stored).toMatchObject({
      organisationId,
      personId: repos.person.id,
      companyId: repos.company.id,
    });
  });
});
