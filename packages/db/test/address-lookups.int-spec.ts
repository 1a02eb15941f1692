import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import {
  LATEST_SENT_TO,
  SOFT_BOUNCES_IN_LAST_FIVE,
} from '../src/repositories/inbound-mail.repository.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

/**
 * Inbound mail finds the message a reply or a bounce answers by the address it was sent to. As
 * outreach_app_user (row-level security) a citext `=` cannot be an index condition (it is not
 * LEAKPROOF): every inbound mail read the organisation's outbound messages. The look-ups compare
 * to_email_key (lower(to_email) as text, V20251231_410000); these plans hold them to the index.
 */
describe('address look-ups of inbound mail under row-level security', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'db-address-lookups' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const plan = (sql: string, params: unknown[]): Promise<string> =>
    runInTenantTransaction(dataSource, fixture.a.organisationId, async (manager) => {
      // Show the index the plan can use rather than a scan of an almost empty table.
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows: unknown = await manager.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      return JSON.stringify(rows);
    });

  it('finds the messages sent to an address by an index condition on to_email_key', async () => {
    const org = fixture.a.organisationId;
    for (const found of [
      // The soft bounces of the last five messages to the address (InboundMailRepository).
      await plan(SOFT_BOUNCES_IN_LAST_FIVE, [org, 'Someone@Example.FR']),
      // The key itself, as LATEST_SENT_TO compares it (there joined to the mailbox's campaigns).
      await plan(
        `SELECT id FROM outreach.messages
          WHERE organisation_id = $1 AND direction = 'outbound' AND to_email_key = lower($2)`,
        [org, 'Someone@Example.FR'],
      ),
    ]) {
      expect(found).toContain('"Index Name":"messages_to_email_sent_at_idx"');
      expect(found).toMatch(/"Index Cond":"[^"]*to_email_key = 'someone@example\.fr'/);
    }
    expect(LATEST_SENT_TO).toContain('m.to_email_key = lower($3)');
  });
});
