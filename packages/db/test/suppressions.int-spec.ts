import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import {
  LATEST_SENT_TO,
  SOFT_BOUNCES_IN_LAST_FIVE,
} from '../src/repositories/inbound-mail.repository.js';
import { InvalidInputError } from '../src/errors/invalid-input.error.js';
import type { OrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { createRepositories, type Repositories } from '../src/repositories/repositories.factory.js';
import {
  FIND_BY_VALUE,
  IS_SUPPRESSED,
  SUPPRESSION_BATCH_SIZE,
  domainsOf,
  type SuppressionEntry,
} from '../src/repositories/suppression.repository.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

const codec = new CursorCodec('suppressions-int-spec-secret');

describe('SuppressionRepository and look-ups by address on PostgreSQL 18 (as outreach_app_user, under RLS)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'db-suppressions' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const inOrg = <T>(org: OrganisationId, work: (repos: Repositories) => Promise<T>): Promise<T> =>
    runInTenantTransaction(dataSource, org, (manager) => work(createRepositories(manager, codec)));

  const email = (value: string): SuppressionEntry => ({ kind: 'email', value, reason: 'manual' });

  it('adds one entry, then answers null for the same value in another case', async () => {
    const org = fixture.a.organisationId;
    const added = await inOrg(org, (r) =>
      r.suppressionList.add(org, { ...email('Once@single.fr'), note: 'asked by phone' }),
    );
    expect(added).toMatchObject({ kind: 'email', value: 'Once@single.fr', note: 'asked by phone' });
    expect(await inOrg(org, (r) => r.suppressionList.add(org, email('once@SINGLE.fr')))).toBeNull();
    expect(
      await inOrg(org, (r) => r.suppressionList.findByValue(org, 'email', 'ONCE@single.fr')),
    ).toMatchObject({ id: added?.id });
  });

  it('adds many across batches, counting only the new ones (duplicates inside count once)', async () => {
    const org = fixture.a.organisationId;
    const entries = Array.from({ length: SUPPRESSION_BATCH_SIZE + 10 }, (_, i) =>
      email(`bulk-${i}@many.fr`),
    );
    expect(await inOrg(org, (r) => r.suppressionList.addMany(org, entries))).toBe(entries.length);
    const again = [...entries.slice(0, 5), email('new@many.fr'), email('NEW@many.fr')];
    expect(await inOrg(org, (r) => r.suppressionList.addMany(org, again))).toBe(1);
  });

  it('adds nothing when one entry of a batch is refused (the transaction rolls back)', async () => {
    const org = fixture.a.organisationId;
    await expect(
      inOrg(org, (r) =>
        r.suppressionList.addMany(org, [
          email('fine@atomic.fr'),
          { kind: 'domain', value: 'not a domain', reason: 'manual' },
        ]),
      ),
    ).rejects.toThrow(InvalidInputError);
    expect(await inOrg(org, (r) => r.suppressionList.isSuppressed(org, 'fine@atomic.fr'))).toBe(
      false,
    );
  });

  it('suppresses an address, its domain and the subdomains of a suppressed domain', async () => {
    const org = fixture.a.organisationId;
    await inOrg(org, (r) =>
      r.suppressionList.addMany(org, [
        email('Gone@keep.fr'),
        { kind: 'domain', value: 'blocked.fr', reason: 'complaint' },
      ]),
    );
    const check = (address: string) =>
      inOrg(org, (r) => r.suppressionList.isSuppressed(org, address));
    expect(await check('gone@KEEP.fr')).toBe(true);
    expect(await check('other@keep.fr')).toBe(false);
    expect(await check('anyone@Blocked.FR')).toBe(true);
    expect(await check('anyone@sales.blocked.fr')).toBe(true);
    expect(await check('anyone@notblocked.fr')).toBe(false);
  });

  it('finds entries by index under row-level security, not by reading the whole list', async () => {
    // citext's = is not leakproof: under row-level security it cannot be an index condition, and
    // every look-up read the organisation's list (50 ms per send with 100,000 entries). The
    // look-ups compare value_key (lower(value) as text) instead. Organisation A holds 5,000+
    // entries here (the batch test above).
    const org = fixture.a.organisationId;
    const address = 'Someone@Sales.Many.fr';
    // As autovacuum would after those inserts (an organisation the statistics do not know yet
    // looks like a handful of rows, and any plan reads it whole).
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query('ANALYZE delivery.suppressions').finally(() => admin.end());
    const explain = (sql: string, params: unknown[]) =>
      runInTenantTransaction(dataSource, org, async (manager) => {
        const rows: unknown = await manager.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        return JSON.stringify(rows);
      });
    for (const plan of [
      await explain(IS_SUPPRESSED, [org, address, domainsOf(address)]),
      await explain(FIND_BY_VALUE, [org, 'email', address]),
    ]) {
      expect(plan).toContain('"Index Name":"suppressions_kind_value_key"');
      expect(plan).toMatch(/"Index Cond":"[^"]*value_key/);
      expect(plan).not.toContain('"Node Type":"Seq Scan"');
    }
  });

  // The same rule for the messages: inbound mail finds the message a reply or a bounce answers by
  // the address it was sent to, by to_email_key (lower(to_email) as text, V20251231_410000).
  it('finds the messages sent to an address by an index condition on to_email_key', async () => {
    const org = fixture.a.organisationId;
    const plan = (sql: string, params: unknown[]): Promise<string> =>
      runInTenantTransaction(dataSource, org, async (manager) => {
        // Show the index the plan can use rather than a scan of an empty table.
        await manager.query('SET LOCAL enable_seqscan = off');
        const rows: unknown = await manager.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        return JSON.stringify(rows);
      });
    for (const found of [
      await plan(SOFT_BOUNCES_IN_LAST_FIVE, [org, 'Someone@Example.FR']),
      // The key as LATEST_SENT_TO compares it (there joined to the mailbox's campaigns).
      await plan(
        `SELECT id FROM outreach.messages
          WHERE organisation_id = $1 AND direction = 'outbound' AND to_email_key = lower($2)`,
        [org, 'Someone@Example.FR'],
      ),
    ]) {
      expect(found).toContain('"Index Name":"messages_to_email_idx"');
      expect(found).toMatch(/"Index Cond":"[^"]*to_email_key = 'someone@example\.fr'/);
    }
    expect(LATEST_SENT_TO).toContain('m.to_email_key = lower($3)');
  });

  it('lists positions by e-mail in any case through email_key (an index condition under RLS)', async () => {
    const org = fixture.a.organisationId;
    const shouted = fixture.a.position.email?.toUpperCase() ?? '';
    const found = await inOrg(org, (r) => r.positions.list(org, { filters: { email: shouted } }));
    expect(found.items.map((position) => position.id)).toEqual([fixture.a.position.id]);
    const other = fixture.b.position.email ?? '';
    expect(
      (await inOrg(org, (r) => r.positions.list(org, { filters: { email: other } }))).items,
    ).toEqual([]);
  });

  it("never sees or matches another organisation's entries", async () => {
    const a = fixture.a.organisationId;
    const b = fixture.b.organisationId;
    await inOrg(a, (r) => r.suppressionList.add(a, email('only-a@iso.fr')));
    expect(await inOrg(b, (r) => r.suppressionList.isSuppressed(b, 'only-a@iso.fr'))).toBe(false);
    expect(await inOrg(b, (r) => r.suppressionList.findByValue(b, 'email', 'only-a@iso.fr'))).toBe(
      null,
    );
    // Under B's transaction, A's id as the organisation argument is refused by row-level security.
    await expect(inOrg(b, (r) => r.suppressionList.add(a, email('x@iso.fr')))).rejects.toThrow();
    expect(await inOrg(b, (r) => r.suppressionList.addMany(b, [email('only-a@iso.fr')]))).toBe(1);
  });
});
