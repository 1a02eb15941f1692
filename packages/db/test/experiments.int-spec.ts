import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { InvalidInputError } from '../src/errors/invalid-input.error.js';
import type { OrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import type { ExperimentVariantInput } from '../src/repositories/experiment.repository.js';
import { createRepositories, type Repositories } from '../src/repositories/repositories.factory.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

const codec = new CursorCodec('experiments-int-spec-secret');

const variant = (key: string, weight = 1): ExperimentVariantInput => ({
  key,
  weight,
  subjectTemplate: `Sujet ${key}`,
  bodyTemplate: `Corps ${key}`,
  promptId: null,
});

describe('ExperimentRepository on PostgreSQL 18 (as outreach_app_user, under RLS)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'db-experiments' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const inOrg = <T>(org: OrganisationId, work: (repos: Repositories) => Promise<T>): Promise<T> =>
    runInTenantTransaction(dataSource, org, (manager) => work(createRepositories(manager, codec)));

  const newStep = (org: OrganisationId, campaignId: string): Promise<string> =>
    inOrg(org, async (r) => (await r.steps.append(org, campaignId, { bodyTemplate: 'x' })).id);

  it('inserts an experiment with its variants, finds and pages it; another organisation sees nothing', async () => {
    const org = fixture.a.organisationId;
    const stepId = await newStep(org, fixture.a.campaign.id);
    const created = await inOrg(org, (r) =>
      r.experiments.create(org, stepId, {
        name: 'Test',
        variants: [variant('b', 3), variant('A', 2), variant('B', 1)],
      }),
    );
    expect(created.experiment).toMatchObject({ stepId, status: 'draft', metric: 'reply_rate' });
    expect(created.variants.map((v) => [v.key, v.weight])).toEqual([
      ['A', 2],
      ['B', 1],
      ['b', 3],
    ]);
    const found = await inOrg(org, (r) => r.experiments.find(org, stepId, created.experiment.id));
    expect(found).toEqual(created);
    expect(await inOrg(org, (r) => r.experiments.active(org, stepId))).toMatchObject({
      id: created.experiment.id,
    });
    const page = await inOrg(org, (r) => r.experiments.page(org, stepId, { limit: 10 }));
    expect(page.items.map((item) => item.experiment.id)).toEqual([created.experiment.id]);

    const other = fixture.b.organisationId;
    expect(
      await inOrg(other, (r) => r.experiments.find(other, stepId, created.experiment.id)),
    ).toBeNull();
    // Naming A's organisation inside B's transaction: RLS hides the rows all the same.
    expect(
      await inOrg(other, (r) => r.experiments.find(org, stepId, created.experiment.id)),
    ).toBeNull();
  });

  it('refuses a second draft or running experiment on the step (unique index), inserting no variant', async () => {
    const org = fixture.a.organisationId;
    const stepId = await newStep(org, fixture.a.campaign.id);
    await inOrg(org, (r) =>
      r.experiments.create(org, stepId, { name: 'One', variants: [variant('A'), variant('B')] }),
    );
    const second = inOrg(org, (r) =>
      r.experiments.create(org, stepId, { name: 'Two', variants: [variant('A'), variant('B')] }),
    );
    await expect(second).rejects.toBeInstanceOf(InvalidInputError);
    await expect(second).rejects.toMatchObject({
      kind: 'unique_violation',
      constraint: 'step_experiments_active_step_key',
    });
    const page = await inOrg(org, (r) => r.experiments.page(org, stepId));
    expect(page.items.map((item) => [item.experiment.name, item.variants.length])).toEqual([
      ['One', 2],
    ]);
  });

  it('changes status only from the expected one, and keeps the winner one of its own variants', async () => {
    const org = fixture.a.organisationId;
    const stepId = await newStep(org, fixture.a.campaign.id);
    const { experiment, variants } = await inOrg(org, (r) =>
      r.experiments.create(org, stepId, { name: 'Flow', variants: [variant('A'), variant('B')] }),
    );
    const started = await inOrg(org, (r) =>
      r.experiments.changeStatus(org, experiment.id, {
        from: 'draft',
        to: 'running',
        setStartedAt: true,
      }),
    );
    expect(started?.startedAt).toBeInstanceOf(Date);
    expect(
      await inOrg(org, (r) =>
        r.experiments.changeStatus(org, experiment.id, { from: 'draft', to: 'running' }),
      ),
    ).toBeNull();
    const elsewhere = fixture.a.variant.id;
    await expect(
      inOrg(org, (r) =>
        r.experiments.changeStatus(org, experiment.id, {
          from: 'running',
          to: 'completed',
          setEndedAt: true,
          winnerVariantId: elsewhere,
        }),
      ),
    ).rejects.toMatchObject({ kind: 'foreign_key_violation' });
    const completed = await inOrg(org, (r) =>
      r.experiments.changeStatus(org, experiment.id, {
        from: 'running',
        to: 'completed',
        setEndedAt: true,
        winnerVariantId: variants[1]?.id ?? '',
      }),
    );
    expect(completed).toMatchObject({ status: 'completed', winnerVariantId: variants[1]?.id });
    expect(await inOrg(org, (r) => r.experiments.active(org, stepId))).toBeNull();
  });
});
