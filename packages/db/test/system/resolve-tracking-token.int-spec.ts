import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.factory.js';
import { SystemDatabase } from '../../src/system/index.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../../src/testing/factories.js';
import { connect } from '../schema/pg-assertions.js';

describe('SystemDatabase.resolveTrackingToken (platform.resolve_tracking_token) as outreach_app_user', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let system: SystemDatabase;
  let fixture: TwoOrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'token-test' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
    system = new SystemDatabase(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('resolves a real token of either organisation to exactly its organisation and message', async () => {
    for (const organisation of [fixture.a, fixture.b]) {
      expect(await system.resolveTrackingToken(organisation.pixel.token)).toEqual({
        organisationId: organisation.organisationId,
        messageId: organisation.message.id,
      });
    }
  });

  it('answers null for unknown, malformed, re-prefixed and SQL-looking tokens', async () => {
    const [prefixA = '', secretA = ''] = fixture.a.pixel.token.split('.');
    const [prefixB = ''] = fixture.b.pixel.token.split('.');
    const lastChar = secretA.endsWith('A') ? 'B' : 'A';
    const candidates = [
      // Well-formed, right organisation, unknown secret.
      `${prefixA}.${secretA.slice(0, -1)}${lastChar}`,
      // A's secret under B's organisation prefix: B has no such pixel.
      `${prefixB}.${secretA}`,
      '',
      'not-a-token',
      `${prefixA}.`,
      `${prefixA}.short`,
      `${prefixA}.${secretA}.extra`,
      ` ${fixture.a.pixel.token}`,
      fixture.a.pixel.token.toUpperCase(),
      `${prefixA}.${secretA}' OR '1'='1`,
      `'; DROP TABLE tracking.pixels; --`,
      `${prefixA}.${secretA}%`,
    ];
    for (const token of candidates) {
      expect({ token, resolved: await system.resolveTrackingToken(token) }).toEqual({
        token,
        resolved: null,
      });
    }
    // The SQL function is the authority: called directly (past the JS pre-check), same answers.
    const app = await connect(database.appUrl);
    try {
      for (const token of [...candidates, null]) {
        const { rows } = await app.query('SELECT * FROM platform.resolve_tracking_token($1)', [
          token,
        ]);
        expect({ token, rows }).toEqual({ token, rows: [] });
      }
    } finally {
      await app.end();
    }
    // And the pixels are all still there.
    expect(await system.resolveTrackingToken(fixture.a.pixel.token)).not.toBeNull();
  });
});
