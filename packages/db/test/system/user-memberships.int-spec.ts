import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.factory.js';
import { InvalidInputError } from '../../src/errors/invalid-input.error.js';
import { SystemDatabase } from '../../src/system/index.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../../src/testing/factories.js';
import { connect } from '../schema/pg-assertions.js';

describe('SystemDatabase.listUserMemberships (platform.user_memberships) as outreach_app_user', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let dataSource: DataSource;
  let system: SystemDatabase;
  let fixture: TwoOrganisationFixture;
  const consultant = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await connect(database.url);
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'memberships-test' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
    system = new SystemDatabase(dataSource);
    // One user in both organisations, with a different role and status in each.
    await admin.query(
      `INSERT INTO iam.users (id, email, first_name, last_name)
       VALUES ($1, $2, 'Claire', 'Conseil')`,
      [consultant, `consultant-${consultant}@example.com`],
    );
    await admin.query(
      `INSERT INTO iam.organisation_users (organisation_id, user_id, role, status)
       VALUES ($1, $3, 'admin', 'active'), ($2, $3, 'viewer', 'invited')`,
      [fixture.a.organisationId, fixture.b.organisationId, consultant],
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await admin.end();
    await database.drop();
  });

  it("lists a user's memberships across organisations (ids, role, status), ordered by organisation", async () => {
    const expected = [
      { organisationId: fixture.a.organisationId, role: 'admin', status: 'active' },
      { organisationId: fixture.b.organisationId, role: 'viewer', status: 'invited' },
    ].sort((x, y) => (x.organisationId < y.organisationId ? -1 : 1)); // uuid order = hex order
    expect(await system.listUserMemberships(consultant)).toEqual(expected);
  });

  it("returns only that user's memberships, nothing of other users", async () => {
    expect(await system.listUserMemberships(fixture.a.owner.id)).toEqual([
      { organisationId: fixture.a.organisationId, role: 'owner', status: 'active' },
    ]);
    expect(await system.listUserMemberships(fixture.b.owner.id)).toEqual([
      { organisationId: fixture.b.organisationId, role: 'owner', status: 'active' },
    ]);
    expect(await system.listUserMemberships(randomUUID())).toEqual([]);
  });

  it('refuses a user id that is not a UUID before asking the database', async () => {
    await expect(system.listUserMemberships("' OR true --")).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});
