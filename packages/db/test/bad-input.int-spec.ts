import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { InvalidInputError } from '../src/errors/invalid-input.error.js';
import type { OrganisationId } from '../src/organisation-id.js';
import { asOrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { createRepositories, type Repositories } from '../src/repositories/repositories.factory.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

const codec = new CursorCodec('bad-input-int-spec-secret');

/** The InvalidInputError a promise rejects with (fails the test on anything else). */
async function invalid(promise: Promise<unknown>): Promise<InvalidInputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError, the call succeeded');
}

describe('bad input is refused with the field named, never stored or truncated', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  function inOrg<T>(org: OrganisationId, work: (repos: Repositories) => Promise<T>): Promise<T> {
    return runInTenantTransaction(dataSource, org, (manager) =>
      work(createRepositories(manager, codec)),
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, applicationName: 'db-bad-input-test' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  describe('before the database', () => {
    it('a value outside a CHECK list names the field and the allowed values', async () => {
      const { organisationId, position } = fixture.a;
      const error = await invalid(
        inOrg(organisationId, (r) =>
          r.positions.update(organisationId, position.id, { emailStatus: 'maybe' as never }),
        ),
      );
      expect(error).toMatchObject({
        kind: 'not_allowed',
        table: 'positions',
        field: 'email_status',
      });
      expect(error.message).toContain('valid, risky, invalid, catch_all, unknown');
    });

    it('a malformed uuid names the field', async () => {
      const { organisationId } = fixture.a;
      const error = await invalid(
        inOrg(organisationId, (r) =>
          r.positions.create(organisationId, { personId: 'not-a-uuid', companyId: 'x' }),
        ),
      );
      expect(error).toMatchObject({ kind: 'invalid_value', field: 'person_id' });
      await expect(
        invalid(inOrg(organisationId, (r) => r.companies.find(organisationId, '42'))),
      ).resolves.toMatchObject({ field: 'id' });
      expect(() => asOrganisationId('nope')).toThrow(InvalidInputError);
    });

    it('an over-long text names the field and the limit (code points, as char_length)', async () => {
      const { organisationId, company } = fixture.a;
      const error = await invalid(
        inOrg(organisationId, (r) =>
          r.companies.update(organisationId, company.id, { name: 'é'.repeat(301) }),
        ),
      );
      expect(error).toMatchObject({ kind: 'too_long', field: 'name' });
      expect(error.message).toContain('at most 300');
      // Limits declared on a shared base class (EmailContentEntity) apply to every table using it.
      const inherited = await invalid(
        inOrg(organisationId, (r) =>
          r.workflowSteps.update(organisationId, fixture.a.step.id, {
            subjectTemplate: 'x'.repeat(1001),
          }),
        ),
      );
      expect(inherited).toMatchObject({
        kind: 'too_long',
        table: 'workflow_steps',
        field: 'subject_template',
      });
      // Exactly at the limit is fine, and stored whole.
      const ok = await inOrg(organisationId, (r) =>
        r.companies.update(organisationId, company.id, { name: 'é'.repeat(300) }),
      );
      expect(ok?.name).toHaveLength(300);
    });

    it('the organisation cannot be smuggled in the data, nor unknown fields', async () => {
      const { a, b } = fixture;
      const smuggled = { name: 'Évasion', organisationId: b.organisationId } as never;
      await expect(
        invalid(inOrg(a.organisationId, (r) => r.companies.create(a.organisationId, smuggled))),
      ).resolves.toMatchObject({ kind: 'not_allowed', field: 'organisationId' });
      await expect(
        invalid(
          inOrg(a.organisationId, (r) =>
            r.companies.create(a.organisationId, { name: 'X', colour: 'red' } as never),
          ),
        ),
      ).resolves.toMatchObject({ kind: 'not_allowed', field: 'colour' });
    });

    it('wrong JavaScript types are refused (integer, Date, boolean, array items)', async () => {
      const { organisationId, campaign, task } = fixture.a;
      await expect(
        invalid(
          inOrg(organisationId, (r) =>
            r.campaigns.update(organisationId, campaign.id, { dailyLimit: 1.5 }),
          ),
        ),
      ).resolves.toMatchObject({ field: 'daily_limit' });
      await expect(
        invalid(
          inOrg(organisationId, (r) =>
            r.tasks.update(organisationId, task.id, { dueAt: new Date('nope') }),
          ),
        ),
      ).resolves.toMatchObject({ field: 'due_at' });
      await expect(
        invalid(
          inOrg(organisationId, (r) =>
            r.campaigns.update(organisationId, campaign.id, { sendingDays: [1, 'x' as never] }),
          ),
        ),
      ).resolves.toMatchObject({ field: 'sending_days' });
      await expect(
        invalid(
          inOrg(organisationId, (r) =>
            r.campaigns.update(organisationId, campaign.id, { sendingWindowStart: '25:00' }),
          ),
        ),
      ).resolves.toMatchObject({ field: 'sending_window_start' });
    });
  });

  describe('at the database (constraints only PostgreSQL can check)', () => {
    it('a CHECK violation names the constraint and the field', async () => {
      const { organisationId, company } = fixture.a;
      const error = await invalid(
        inOrg(organisationId, (r) =>
          r.companies.update(organisationId, company.id, { siren: '123456789' }),
        ),
      );
      expect(error).toMatchObject({
        kind: 'check_violation',
        table: 'companies',
        field: 'siren',
        constraint: 'companies_siren_check',
      });
    });

    it('a duplicate names the unique fields', async () => {
      const { organisationId, company } = fixture.a;
      const error = await invalid(
        inOrg(organisationId, async (r) => {
          await r.companies.update(organisationId, company.id, { pharowCompanyId: 'PH-1' });
          await r.companies.create(organisationId, { name: 'Doublon', pharowCompanyId: 'PH-1' });
        }),
      );
      expect(error).toMatchObject({
        kind: 'unique_violation',
        field: 'organisation_id, pharow_company_id',
        constraint: 'companies_pharow_company_id_key',
      });
    });

    it('a reference into another organisation is a foreign key violation, and nothing is written', async () => {
      const { a, b } = fixture;
      const error = await invalid(
        inOrg(a.organisationId, async (r) => {
          await r.people.create(a.organisationId, { firstName: 'Half-written' });
          // B's company id does not exist in A: the composite foreign key refuses it.
          await r.positions.create(a.organisationId, {
            personId: a.person.id,
            companyId: b.company.id,
          });
        }),
      );
      expect(error).toMatchObject({
        kind: 'foreign_key_violation',
        constraint: 'positions_company_fkey',
      });
      const people = await inOrg(a.organisationId, (r) =>
        r.people.list(a.organisationId, { limit: 200 }),
      );
      expect(people.items.map((p) => p.firstName)).not.toContain('Half-written');
    });

    it('a missing required value names the column', async () => {
      const { organisationId } = fixture.a;
      await expect(
        invalid(inOrg(organisationId, (r) => r.companies.create(organisationId, {}))),
      ).resolves.toMatchObject({ kind: 'required', field: 'name' });
    });
  });
});
