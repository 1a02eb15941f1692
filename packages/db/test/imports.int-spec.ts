import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import type { OrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import type { ImportInput } from '../src/repositories/import.repository.js';
import type { ProspectRecord } from '../src/repositories/prospect-merge.repository.js';
import { createRepositories, type Repositories } from '../src/repositories/repositories.factory.js';
import type { SuppressionEntry } from '../src/repositories/suppression.repository.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../src/testing/factories.js';

const codec = new CursorCodec('imports-int-spec-secret');

const INPUT: ImportInput = {
  fileName: 'pharow.csv',
  fileSize: 1234,
  encoding: 'utf-8',
  delimiter: 'semicolon',
  columnMapping: { headers: ['Entreprise'], fields: ['companyName'], unknown: [], override: {} },
  pharowListName: 'Liste test',
};

function record(n: number, changes: Partial<ProspectRecord['position']> = {}): ProspectRecord {
  const company = Math.ceil(n / 2);
  return {
    company: {
      pharowId: `pc-${company}`,
      name: `Société ${company}`,
      siren: null,
      nafCode: '62.01Z',
      websiteUrl: `https://societe-${company}.fr/`,
      domain: `societe-${company}.fr`,
      linkedinUrl: null,
      employeeRange: '10-19',
      addressLine1: null,
      postalCode: '75008',
      city: 'Paris',
      country: 'FR',
    },
    person: {
      pharowId: `pp-${n}`,
      firstName: 'Hélène',
      lastName: `Lefèvre ${n}`,
      linkedinUrl: `https://www.linkedin.com/in/helene-${n}`,
      city: null,
    },
    position: {
      title: 'Directrice',
      email: `helene.${n}@societe-${company}.fr`,
      emailStatus: 'valid',
      emailReliability: 90,
      listName: null,
      ...changes,
    },
  };
}

async function* rowsOf(cells: string[][]): AsyncGenerator<string[]> {
  for (const row of cells) {
    await Promise.resolve();
    yield row;
  }
}

describe('imports: staging COPY and the prospect merge on PostgreSQL 18', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;
  let orgA: OrganisationId;
  let orgB: OrganisationId;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, applicationName: 'db-imports-test' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
    orgA = fixture.a.organisationId;
    orgB = fixture.b.organisationId;
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const inOrg = <T>(org: OrganisationId, work: (repos: Repositories) => Promise<T>): Promise<T> =>
    runInTenantTransaction(dataSource, org, (manager) => work(createRepositories(manager, codec)));

  async function countStaged(importId: string): Promise<number> {
    return runInTenantTransaction(dataSource, orgA, async (manager) => {
      const [row] = await manager.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM imports.import_rows WHERE import_id = $1',
        [importId],
      );
      return row?.n ?? 0;
    });
  }

  async function countCrm(org: OrganisationId): Promise<Record<string, number>> {
    return runInTenantTransaction(dataSource, org, async (manager) => {
      const [row] = await manager.query<Record<string, number>[]>(
        `SELECT (SELECT count(*) FROM crm.companies)::int AS companies,
                (SELECT count(*) FROM crm.people)::int AS people,
                (SELECT count(*) FROM crm.positions)::int AS positions`,
      );
      return row ?? {};
    });
  }

  it('COPYs rows (quotes, backslashes, tabs, newlines, accents, NUL) into staging inside the tenant transaction', async () => {
    const cells = [
      ['Société "Guillemets"', 'a\\b', 'tab\there', 'line\nbreak', 'nul\u0000byte'],
      ['Éditions', '', '=1+1', 'x;y', 'ÿ'],
    ];
    const { id, total } = await inOrg(orgA, async (repos) => {
      const created = await repos.importJobs.create(orgA, INPUT);
      const copied = await repos.importJobs.copyRows(orgA, created.id, rowsOf(cells));
      return { id: created.id, total: copied };
    });
    expect(total).toBe(2);
    const staged = await inOrg(orgA, (repos) => repos.importJobs.readRows(orgA, id, 0, 10));
    expect(staged).toEqual([
      { rowNumber: 1, cells: [cells[0]?.[0], 'a\\b', 'tab\there', 'line\nbreak', 'nulbyte'] },
      { rowNumber: 2, cells: cells[1] },
    ]);
    const found = await inOrg(orgA, (repos) => repos.importJobs.find(orgA, id));
    expect(found).toMatchObject({
      status: 'queued',
      rowsTotal: 2,
      legalBasis: 'legitimate_interest',
    });
    // Row-level security: organisation B sees neither the import nor its rows.
    expect(await inOrg(orgB, (repos) => repos.importJobs.find(orgB, id))).toBeNull();
    expect(await inOrg(orgB, (repos) => repos.importJobs.readRows(orgB, id, 0, 10))).toEqual([]);
  });

  it('stages rows in runs and reads any range back in order, across run boundaries', async () => {
    const cells = Array.from({ length: 2_500 }, (_, i) => [`r${String(i + 1)}`, 'x']);
    const id = await inOrg(orgA, async (repos) => {
      const created = await repos.importJobs.create(orgA, INPUT);
      expect(await repos.importJobs.copyRows(orgA, created.id, rowsOf(cells))).toBe(2_500);
      return created.id;
    });
    const read = (after: number, limit: number) =>
      inOrg(orgA, (repos) => repos.importJobs.readRows(orgA, id, after, limit));
    const numbers = (rows: { rowNumber: number; cells: string[] }[]) =>
      rows.map((row) => [row.rowNumber, row.cells[0]]);
    expect(numbers(await read(998, 4))).toEqual([
      [999, 'r999'],
      [1000, 'r1000'],
      [1001, 'r1001'],
      [1002, 'r1002'],
    ]);
    const all = await read(0, 5_000);
    expect(all).toHaveLength(2_500);
    expect(
      all.every((row, i) => row.rowNumber === i + 1 && row.cells[0] === `r${String(i + 1)}`),
    ).toBe(true);
    expect(numbers(await read(2_498, 10))).toEqual([
      [2499, 'r2499'],
      [2500, 'r2500'],
    ]);
    expect(await read(2_500, 10)).toEqual([]);
    // Three staged rows (runs of 1,000) for 2,500 data rows.
    expect(await countStaged(id)).toBe(3);
  });

  it('leaves nothing behind when the transaction fails after the COPY', async () => {
    let importId = '';
    await expect(
      inOrg(orgA, async (repos) => {
        const created = await repos.importJobs.create(orgA, INPUT);
        importId = created.id;
        await repos.importJobs.copyRows(orgA, created.id, rowsOf([['a'], ['b']]));
        throw new Error('upload failed');
      }),
    ).rejects.toThrow('upload failed');
    expect(await inOrg(orgA, (repos) => repos.importJobs.find(orgA, importId))).toBeNull();
  });

  it('records row errors and lists them in row order, page by page', async () => {
    const id = await inOrg(orgA, async (repos) => {
      const created = await repos.importJobs.create(orgA, INPUT);
      await repos.importJobs.copyRows(orgA, created.id, rowsOf([['1'], ['2'], ['3']]));
      await repos.importJobs.recordValidation(orgA, created.id, 3, 2, [
        { rowNumber: 3, column: 'SIREN', value: '123', reason: 'a SIREN is 9 digits' },
        { rowNumber: 1, column: 'Email', value: 'x', reason: 'not an e-mail address' },
        { rowNumber: 1, column: 'SIREN', value: '1', reason: 'a SIREN is 9 digits' },
      ]);
      return created.id;
    });
    const first = await inOrg(orgA, (repos) => repos.importJobs.errors(orgA, id, null, 2));
    expect(first.map((e) => [e.rowNumber, e.column])).toEqual([
      [1, expect.any(String)],
      [1, expect.any(String)],
    ]);
    const last = first[1];
    if (!last) throw new Error('expected two errors');
    const rest = await inOrg(orgA, (repos) => repos.importJobs.errors(orgA, id, last, 10));
    expect(rest.map((e) => [e.rowNumber, e.column, e.reason])).toEqual([
      [3, 'SIREN', 'a SIREN is 9 digits'],
    ]);
    expect(await inOrg(orgA, (repos) => repos.importJobs.find(orgA, id))).toMatchObject({
      rowsValidated: 3,
      rowsRejected: 2,
    });
    expect(await inOrg(orgB, (repos) => repos.importJobs.errors(orgB, id, null, 10))).toEqual([]);
  });

  describe('merge', () => {
    async function newImport(org: OrganisationId, rows: number): Promise<string> {
      return inOrg(org, async (repos) => {
        const created = await repos.importJobs.create(org, INPUT);
        await repos.importJobs.copyRows(
          org,
          created.id,
          rowsOf(Array.from({ length: rows }, (_, i) => [String(i)])),
        );
        await repos.importJobs.recordValidation(org, created.id, rows, 0, []);
        return created.id;
      });
    }

    const suppress = (org: OrganisationId, entries: SuppressionEntry[]) =>
      inOrg(org, (repos) => repos.suppressionList.addMany(org, entries));

    const merge = (
      org: OrganisationId,
      importId: string,
      throughRow: number,
      records: { rowNumber: number; record: ProspectRecord }[],
    ) =>
      inOrg(org, (repos) =>
        repos.prospectMerge.mergeBatch(org, {
          importId,
          throughRow,
          records,
          legalBasis: 'legitimate_interest',
          listName: 'Liste test',
        }),
      );

    it('creates, collapses duplicates within the file, and re-merging the same file changes nothing', async () => {
      const before = await countCrm(orgA);
      const rows = [1, 2, 3, 4].map((n) => ({ rowNumber: n, record: record(n) }));
      // Row 5 repeats row 4 exactly (a duplicate line), row 6 the same address with a new title.
      rows.push({ rowNumber: 5, record: record(4) });
      rows.push({ rowNumber: 6, record: record(3, { title: 'CEO' }) });
      const first = await newImport(orgA, 6);
      const result = await merge(orgA, first, 6, rows);
      expect(result).toEqual({
        skipped: false,
        companies: { created: 2, updated: 0, unchanged: 0 },
        people: { created: 4, updated: 0, unchanged: 0 },
        positions: { created: 4, updated: 0, unchanged: 0, suppressed: 0 },
        erased: 0,
      });
      const after = await countCrm(orgA);
      expect(after).toEqual({
        companies: (before.companies ?? 0) + 2,
        people: (before.people ?? 0) + 4,
        positions: (before.positions ?? 0) + 4,
      });
      const positions = await inOrg(orgA, (repos) =>
        repos.positions.list(orgA, { filters: { email: 'helene.3@societe-2.fr' } }),
      );
      expect(positions.items).toEqual([
        expect.objectContaining({
          title: 'CEO',
          sourceImportId: first,
          legalBasis: 'legitimate_interest',
          pharowListName: 'Liste test',
          status: 'active',
        }),
      ]);

      // The same batch again (a re-run of a job that had committed it): skipped.
      expect((await merge(orgA, first, 6, rows)).skipped).toBe(true);

      // Re-importing the same file as a new import: nothing changes, all unchanged.
      const second = await newImport(orgA, 6);
      expect(await merge(orgA, second, 6, rows)).toEqual({
        skipped: false,
        companies: { created: 0, updated: 0, unchanged: 2 },
        people: { created: 0, updated: 0, unchanged: 4 },
        positions: { created: 0, updated: 0, unchanged: 4, suppressed: 0 },
        erased: 0,
      });
      expect(await countCrm(orgA)).toEqual(after);
      expect(await inOrg(orgA, (repos) => repos.importJobs.find(orgA, second))).toMatchObject({
        rowsMerged: 6,
        companiesUnchanged: 2,
        peopleUnchanged: 4,
        positionsUnchanged: 4,
      });
      // Organisation B got nothing.
      const bPositions = await inOrg(orgB, (repos) =>
        repos.positions.list(orgB, { filters: { email: 'helene.3@societe-2.fr' } }),
      );
      expect(bPositions.items).toEqual([]);
    });

    it('carries tabs, newlines, backslashes, quotes and \\N through to crm unchanged', async () => {
      const title = 'Directeur\tgénéral \\ "R&D"\r\nà \\N Paris';
      const base = record(601, { title });
      const rows = [
        {
          rowNumber: 1,
          record: {
            ...base,
            company: { ...base.company, name: 'Société \\N «\t»', addressLine1: '\\' },
            person: { ...base.person, lastName: 'O\'Brien\n"\\"' },
          },
        },
      ];
      const importId = await newImport(orgA, 1);
      await merge(orgA, importId, 1, rows);
      const [stored] = await runInTenantTransaction(dataSource, orgA, (manager) =>
        manager.query<Record<string, string>[]>(
          `SELECT x.title, c.name, c.address_line1, p.last_name
             FROM crm.positions x
             JOIN crm.companies c ON c.organisation_id = x.organisation_id AND c.id = x.company_id
             JOIN crm.people p ON p.organisation_id = x.organisation_id AND p.id = x.person_id
            WHERE x.source_import_id = $1`,
          [importId],
        ),
      );
      expect(stored).toEqual({
        title,
        name: 'Société \\N «\t»',
        address_line1: '\\',
        last_name: 'O\'Brien\n"\\"',
      });
    });

    it('gives what it creates time-ordered ids (UUID version 7 of the batch’s time), ascending in key order', async () => {
      const numbers = [301, 302, 303, 304, 305, 306];
      const importId = await newImport(orgA, numbers.length);
      const before = Date.now();
      await merge(
        orgA,
        importId,
        numbers.length,
        // Rows in reverse: the ids follow the keys (Pharow ids here), not the file's order.
        numbers.map((n, i) => ({ rowNumber: i + 1, record: record(n) })).reverse(),
      );
      const after = Date.now();
      const created = await runInTenantTransaction(dataSource, orgA, (manager) =>
        manager.query<{ entity: string; ids: string[] }[]>(
          `SELECT 'companies' AS entity, array_agg(id::text ORDER BY pharow_company_id) AS ids
             FROM crm.companies WHERE pharow_company_id IN ('pc-151', 'pc-152', 'pc-153')
           UNION ALL
           SELECT 'people', array_agg(id::text ORDER BY pharow_person_id)
             FROM crm.people WHERE pharow_person_id LIKE 'pp-30_'
           UNION ALL
           SELECT 'positions', array_agg(x.id::text ORDER BY p.pharow_person_id)
             FROM crm.positions x JOIN crm.people p ON p.organisation_id = x.organisation_id AND p.id = x.person_id
            WHERE x.source_import_id = $1`,
          [importId],
        ),
      );
      expect(created.map((row) => [row.entity, row.ids.length])).toEqual([
        ['companies', 3],
        ['people', 6],
        ['positions', 6],
      ]);
      for (const { ids } of created) {
        expect(ids).toEqual([...ids].sort());
        for (const id of ids) {
          expect(id).toMatch(
            /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          );
          const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
          expect(ms).toBeGreaterThanOrEqual(before - 1000);
          expect(ms).toBeLessThanOrEqual(after);
        }
      }
    });

    it('matches a known person at the same company by (person, company) when the e-mail changed; a new person gets a new position', async () => {
      const known = record(201);
      const first = await newImport(orgA, 1);
      await merge(orgA, first, 1, [{ rowNumber: 1, record: known }]);
      const before = await countCrm(orgA);
      const moved: ProspectRecord = {
        ...known,
        position: { ...known.position, email: 'helene.201.new@societe-101.fr' },
      };
      // Row 2: a new person (no position yet) at the same company.
      const second = await newImport(orgA, 2);
      const result = await merge(orgA, second, 2, [
        { rowNumber: 1, record: moved },
        { rowNumber: 2, record: record(202) },
      ]);
      expect(result.people).toEqual({ created: 1, updated: 0, unchanged: 1 });
      expect(result.positions).toEqual({ created: 1, updated: 1, unchanged: 0, suppressed: 0 });
      expect(await countCrm(orgA)).toEqual({
        companies: before.companies,
        people: (before.people ?? 0) + 1,
        positions: (before.positions ?? 0) + 1,
      });
      const renamed = await inOrg(orgA, (repos) =>
        repos.positions.list(orgA, { filters: { email: 'helene.201.new@societe-101.fr' } }),
      );
      expect(renamed.items).toEqual([expect.objectContaining({ sourceImportId: second })]);
    });

    it('folds addresses and domains as PostgreSQL does where JavaScript folds them otherwise (İ)', async () => {
      // 'İ'.toLowerCase() is 'i' + U+0307 in JavaScript; PostgreSQL's lower() — the key of
      // crm.positions.email_key and of delivery.suppressions.value_key — gives 'i'.
      const known = record(211, { email: 'İlker.211@societe-106.fr' });
      const first = await newImport(orgA, 1);
      expect((await merge(orgA, first, 1, [{ rowNumber: 1, record: known }])).positions).toEqual({
        created: 1,
        updated: 0,
        unchanged: 0,
        suppressed: 0,
      });
      const before = await countCrm(orgA);
      // The same address, by another person's row (the address is the position's key): it
      // matches the position instead of colliding with its unique key.
      const second = await newImport(orgA, 1);
      const again = await merge(orgA, second, 1, [
        { rowNumber: 1, record: { ...record(212), position: known.position } },
      ]);
      expect(again.positions.created).toBe(0);
      expect((await countCrm(orgA)).positions).toEqual(before.positions);

      // Suppressions stored in the case PostgreSQL folds to: an erased address and a domain.
      await suppress(orgA, [
        { kind: 'email', value: 'ilker.213@societe-107.fr', reason: 'erased' },
        { kind: 'domain', value: 'istanbul-108.fr', reason: 'manual' },
      ]);
      const third = await newImport(orgA, 2);
      const result = await merge(orgA, third, 2, [
        { rowNumber: 1, record: record(213, { email: 'İlker.213@societe-107.fr' }) },
        { rowNumber: 2, record: record(215, { email: 'ayse.215@İstanbul-108.fr' }) },
      ]);
      expect(result.erased).toBe(1);
      expect(result.positions).toEqual({ created: 1, updated: 0, unchanged: 0, suppressed: 1 });
      const erased = await inOrg(orgA, (repos) =>
        repos.positions.list(orgA, { filters: { email: 'ilker.213@societe-107.fr' } }),
      );
      expect(erased.items).toEqual([]);
      const flagged = await inOrg(orgA, (repos) =>
        repos.positions.list(orgA, { filters: { email: 'ayse.215@İstanbul-108.fr' } }),
      );
      expect(flagged.items).toEqual([expect.objectContaining({ status: 'do_not_contact' })]);
    });

    it('matches companies by Pharow id, then SIREN, then domain, and people by Pharow id, then LinkedIn URL', async () => {
      const siren = fixture.a.company.siren;
      const base = record(101);
      const bySiren: ProspectRecord = {
        ...base,
        company: { ...base.company, pharowId: null, siren, domain: null, websiteUrl: null },
      };
      const byDomain: ProspectRecord = {
        ...record(103),
        company: { ...record(103).company, pharowId: null, domain: 'domain-match.fr' },
      };
      const byLinkedin: ProspectRecord = {
        ...record(105),
        person: {
          ...record(105).person,
          pharowId: null,
          linkedinUrl: 'https://www.linkedin.com/in/known',
        },
      };
      const setup = await newImport(orgA, 1);
      await inOrg(orgA, async (repos) => {
        await repos.companies.create(orgA, { name: 'Domain Match', domain: 'domain-match.fr' });
        await repos.people.create(orgA, {
          firstName: 'Known',
          lastName: 'Person',
          linkedinUrl: 'https://www.linkedin.com/in/known',
        });
      });
      expect(setup).toBeTruthy();
      const id = await newImport(orgA, 3);
      const result = await merge(orgA, id, 3, [
        { rowNumber: 1, record: bySiren },
        { rowNumber: 2, record: byDomain },
        { rowNumber: 3, record: byLinkedin },
      ]);
      expect(result.companies).toEqual({ created: 1, updated: 2, unchanged: 0 });
      expect(result.people).toEqual({ created: 2, updated: 1, unchanged: 0 });
      const company = await inOrg(orgA, (repos) =>
        repos.companies.find(orgA, fixture.a.company.id),
      );
      expect(company).toMatchObject({ siren, name: bySiren.company.name });
    });

    it('imports suppressed addresses flagged do_not_contact and leaves erased ones out', async () => {
      await suppress(orgA, [
        { kind: 'domain', value: 'societe-201.fr', reason: 'manual' },
        { kind: 'email', value: 'helene.403@societe-202.fr', reason: 'erased' },
      ]);
      const id = await newImport(orgA, 2);
      const result = await merge(orgA, id, 2, [
        { rowNumber: 1, record: record(401) },
        { rowNumber: 2, record: record(403) },
      ]);
      expect(result.positions).toEqual({ created: 1, updated: 0, unchanged: 0, suppressed: 1 });
      expect(result.erased).toBe(1);
      const flagged = await inOrg(orgA, (repos) =>
        repos.positions.list(orgA, { filters: { email: 'helene.401@societe-201.fr' } }),
      );
      expect(flagged.items[0]?.status).toBe('do_not_contact');
      const erased = await inOrg(orgA, (repos) =>
        repos.positions.list(orgA, { filters: { email: 'helene.403@societe-202.fr' } }),
      );
      expect(erased.items).toEqual([]);
    });

    it('rolls a failing batch back whole: no partial merge', async () => {
      const before = await countCrm(orgA);
      const id = await newImport(orgA, 2);
      const bad = record(501);
      bad.company.siren = '123456789'; // fails crm.is_valid_siren: the batch aborts
      await expect(
        merge(orgA, id, 2, [
          { rowNumber: 1, record: record(503) },
          { rowNumber: 2, record: bad },
        ]),
      ).rejects.toThrow();
      expect(await countCrm(orgA)).toEqual(before);
      expect(await inOrg(orgA, (repos) => repos.importJobs.find(orgA, id))).toMatchObject({
        rowsMerged: 0,
      });
    });
  });

  describe('erasure', () => {
    it('deletes the person, positions and messages, keeps only an erased suppression (which a later import respects: see the merge tests)', async () => {
      const person = fixture.b.person;
      const email = fixture.b.position.email ?? '';
      expect(email).not.toBe('');
      const result = await inOrg(orgB, (repos) => repos.personErasure.erase(orgB, person.id));
      expect(result).toEqual({
        suppressedAddresses: [email.toLowerCase()],
        positionsDeleted: 1,
        messagesDeleted: 1,
      });
      expect(await inOrg(orgB, (repos) => repos.people.find(orgB, person.id))).toBeNull();
      expect(
        await inOrg(orgB, (repos) => repos.positions.find(orgB, fixture.b.position.id)),
      ).toBeNull();
      expect(
        await inOrg(orgB, (repos) => repos.messages.find(orgB, fixture.b.message.id)),
      ).toBeNull();
      const suppression = await inOrg(orgB, (repos) =>
        repos.suppressions.list(orgB, { filters: { value: email } }),
      );
      expect(suppression.items).toEqual([
        expect.objectContaining({ kind: 'email', reason: 'erased' }),
      ]);
      // Erasing again: not found. Another organisation cannot erase it either.
      expect(await inOrg(orgB, (repos) => repos.personErasure.erase(orgB, person.id))).toBeNull();
      expect(
        await inOrg(orgA, (repos) => repos.personErasure.erase(orgA, fixture.a.person.id)),
      ).not.toBeNull();
    });
  });
});
