import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import {
  createDataSource,
  CursorCodec,
  createRepositories,
  runInTenantTransaction,
  ProspectMergeRepository,
  type OrganisationId,
  type ProspectRecord,
  type Repositories,
} from '@outreach/db';
import { seedOrganisation } from '@outreach/db/testing';
import { importsQueue } from '@outreach/jobs';
import { mapHeaders, PHAROW_FIELDS, validateRow } from '@outreach/pharow';
import { DatabaseModule } from '@outreach/tenancy';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import {
  ImportsProcessor,
  MERGE_BATCH_ROWS,
  MERGE_LANES,
} from '../src/imports/imports.processor.js';

const SAMPLE = readFileSync(
  join(import.meta.dirname, '../../../packages/pharow/fixtures/pharow-sample.csv'),
  'utf8',
);
const [HEADER = '', ...LINES] = SAMPLE.trimEnd().split('\r\n');
const HEADERS = HEADER.split(';');
const ROWS = LINES.map((line) => line.split(';'));
const mapping = mapHeaders(HEADERS);
const codec = new CursorCodec('worker-imports-int-spec');
/** The Pharow fields of a row's company: PHAROW_FIELDS lists them first, then the person's. */
const COMPANY_FIELDS = new Set<string>(
  PHAROW_FIELDS.slice(0, PHAROW_FIELDS.indexOf('personPharowId')),
);

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve = (_value: T): void => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

async function* iterate(rows: string[][]): AsyncGenerator<string[]> {
  for (const row of rows) {
    await Promise.resolve();
    yield row;
  }
}

describe('ImportsProcessor: validate and merge a staged Pharow import (PostgreSQL 18)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let moduleRef: TestingModule;
  let processor: ImportsProcessor;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'worker-imports-test' });
    await dataSource.initialize();
    moduleRef = await Test.createTestingModule({
      imports: [
        DatabaseModule.forRootAsync({
          useFactory: () => ({
            url: database.appUrl,
            applicationName: 'worker-imports-test',
            poolSize: 2,
            statementTimeoutMs: 15_000,
          }),
        }),
      ],
      providers: [ImportsProcessor],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    processor = moduleRef.get(ImportsProcessor);
  });

  afterAll(async () => {
    await moduleRef.close();
    await dataSource.destroy();
    await database.drop();
  });

  const inOrg = <T>(org: OrganisationId, work: (repos: Repositories) => Promise<T>): Promise<T> =>
    runInTenantTransaction(dataSource, org, (manager) => work(createRepositories(manager, codec)));

  /**
   * An upload's transaction held open: the import created and its rows staged, then committed or
   * rolled back when `end` says.
   */
  function heldUpload(
    org: OrganisationId,
    rows: string[][] = ROWS,
  ): {
    importId: Promise<string>;
    end: (outcome: 'commit' | 'rollback') => Promise<void>;
  } {
    const staged = deferred<string>();
    const outcome = deferred<'commit' | 'rollback'>();
    const transaction = inOrg(org, async (repos) => {
      const created = await repos.importJobs.create(org, {
        fileName: 'pharow-sample.csv',
        fileSize: SAMPLE.length,
        encoding: 'utf-8',
        delimiter: 'semicolon',
        columnMapping: {
          headers: mapping.headers,
          fields: mapping.fields,
          unknown: [],
          override: {},
        },
      });
      await repos.importJobs.copyRows(org, created.id, iterate(rows));
      staged.resolve(created.id);
      if ((await outcome.promise) === 'rollback') throw new Error('the upload failed');
    });
    transaction.catch(() => undefined);
    return {
      importId: staged.promise,
      end: async (end) => {
        outcome.resolve(end);
        await transaction.catch((error: unknown) => {
          if (end === 'commit') throw error;
        });
      },
    };
  }

  /** An upload: the import created and its rows staged, committed. */
  async function stage(org: OrganisationId, rows: string[][] = ROWS): Promise<string> {
    const upload = heldUpload(org, rows);
    const importId = await upload.importId;
    await upload.end('commit');
    return importId;
  }

  function job(organisationId: string, importId: string): Job {
    return {
      id: importId,
      name: 'process-import',
      data: { organisationId, importId },
      opts: { attempts: 5 },
      attemptsMade: 0,
    } as unknown as Job;
  }

  async function crmCounts(org: OrganisationId): Promise<Record<string, number>> {
    return runInTenantTransaction(dataSource, org, async (manager) => {
      const [row] = await manager.query<Record<string, number>[]>(
        `SELECT (SELECT count(*) FROM crm.companies)::int AS companies,
                (SELECT count(*) FROM crm.people)::int AS people,
                (SELECT count(*) FROM crm.positions)::int AS positions`,
      );
      return row ?? {};
    });
  }

  /** The sample's 75 companies, 270 people and 270 positions, added once to what `before` counted. */
  async function expectSampleAdded(
    org: OrganisationId,
    before: Record<string, number>,
  ): Promise<void> {
    expect(await crmCounts(org)).toEqual({
      companies: (before.companies ?? 0) + 75,
      people: (before.people ?? 0) + 270,
      positions: (before.positions ?? 0) + 270,
    });
  }

  it('imports the sample: bad rows recorded with reasons, duplicates collapsed, staging emptied', async () => {
    const org = (await seedOrganisation(dataSource)).organisationId;
    const before = await crmCounts(org);
    const importId = await stage(org);
    const result = await processor.process(job(org, importId));
    // 300 rows; every 10th is bad, cycling through 10 kinds, one of which (an exact duplicate
    // line) is valid: 27 refused, 3 duplicates collapsed.
    expect(result).toEqual({ importId, status: 'completed', rowsTotal: 300, rowsRejected: 27 });
    const found = await inOrg(org, (repos) => repos.importJobs.find(org, importId));
    expect(found).toMatchObject({
      status: 'completed',
      rowsValidated: 300,
      rowsMerged: 300,
      companiesCreated: 75,
      peopleCreated: 270,
      positionsCreated: 270,
      positionsUpdated: 0,
    });
    expect(found?.finishedAt).toBeInstanceOf(Date);
    await expectSampleAdded(org, before);
    const errors = await inOrg(org, (repos) => repos.importJobs.errors(org, importId, null, 100));
    expect(errors.map((e) => e.rowNumber).filter((n, i, all) => all.indexOf(n) === i)).toHaveLength(
      27,
    );
    expect(errors[0]).toMatchObject({
      rowNumber: 10,
      column: 'SIREN',
      reason: 'SIREN checksum (Luhn) is wrong',
    });
    expect(errors.some((e) => e.reason === 'the row has 19 cells, the header 20')).toBe(true);
    expect(await inOrg(org, (repos) => repos.importJobs.readRows(org, importId, 0, 10))).toEqual(
      [],
    );
    // Running the job again (a duplicate delivery) does nothing; a second import of the same
    // file changes nothing and counts everything unchanged.
    expect(await processor.process(job(org, importId))).toEqual(result);
    const again = await stage(org);
    await processor.process(job(org, again));
    expect(await inOrg(org, (repos) => repos.importJobs.find(org, again))).toMatchObject({
      status: 'completed',
      companiesCreated: 0,
      companiesUpdated: 0,
      companiesUnchanged: 75,
      peopleCreated: 0,
      peopleUpdated: 0,
      positionsCreated: 0,
      positionsUpdated: 0,
      positionsUnchanged: 270,
    });
    await expectSampleAdded(org, before);
  });

  it('resumes after a worker died mid-merge: the same result, no duplicates', async () => {
    const org = (await seedOrganisation(dataSource)).organisationId;
    const before = await crmCounts(org);
    const importId = await stage(org);
    // What a worker had committed before it was killed: validation done, the first 100 rows
    // merged (one batch), status merging.
    await inOrg(org, async (repos) => {
      await repos.importJobs.setStatus(org, importId, 'validating');
      const rows = await repos.importJobs.readRows(org, importId, 0, 1_000);
      await repos.importJobs.recordValidation(org, importId, rows.length, 0, []);
      await repos.importJobs.setStatus(org, importId, 'merging');
      const records: { rowNumber: number; record: ProspectRecord }[] = [];
      for (const row of rows.slice(0, 100)) {
        const checked = validateRow(row.cells, mapping);
        if (checked.ok) records.push({ rowNumber: row.rowNumber, record: checked.record });
      }
      await repos.prospectMerge.mergeBatch(org, {
        importId,
        throughRow: 100,
        records,
        legalBasis: 'legitimate_interest',
        listName: null,
      });
    });
    await processor.process(job(org, importId));
    const found = await inOrg(org, (repos) => repos.importJobs.find(org, importId));
    expect(found).toMatchObject({
      status: 'completed',
      rowsMerged: 300,
      companiesCreated: 75,
      peopleCreated: 270,
      positionsCreated: 270,
    });
    await expectSampleAdded(org, before);
  });

  it('merges in batches prepared ahead; two runs at once (a re-delivered job) merge each batch once', async () => {
    // Batches of 70 rows: five merge transactions, each reading and validating the next batch
    // while its own statements run. Two runs of the same import take turns on its lock, so the
    // batch one run prepared ahead is often already merged by the other: it must be dropped.
    processor.mergeBatchRows = 70;
    try {
      const counted = async (org: OrganisationId, importId: string) =>
        inOrg(org, (repos) => repos.importJobs.find(org, importId)).then((found) => ({
          status: found?.status,
          rowsMerged: found?.rowsMerged,
          rowsRejected: found?.rowsRejected,
          companies: [found?.companiesCreated, found?.companiesUpdated, found?.companiesUnchanged],
          people: [found?.peopleCreated, found?.peopleUpdated, found?.peopleUnchanged],
          positions: [found?.positionsCreated, found?.positionsUpdated, found?.positionsUnchanged],
        }));
      const alone = (await seedOrganisation(dataSource)).organisationId;
      const seeded = await crmCounts(alone);
      const aloneImport = await stage(alone);
      await processor.process(job(alone, aloneImport));
      const expected = await counted(alone, aloneImport);
      expect(expected).toMatchObject({ status: 'completed', rowsMerged: 300, rowsRejected: 27 });

      const org = (await seedOrganisation(dataSource)).organisationId;
      const importId = await stage(org);
      const results = await Promise.all([
        processor.process(job(org, importId)),
        processor.process(job(org, importId)),
      ]);
      expect(results).toEqual([
        { importId, status: 'completed', rowsTotal: 300, rowsRejected: 27 },
        { importId, status: 'completed', rowsTotal: 300, rowsRejected: 27 },
      ]);
      expect(await counted(org, importId)).toEqual(expected);
      // Each batch's validation is recorded once, with its merge: the same row errors as one run.
      const errorsOf = (o: OrganisationId, id: string) =>
        inOrg(o, (repos) => repos.importJobs.errors(o, id, null, 1_000)).then((errors) =>
          errors.map((e) => `${String(e.rowNumber)} ${e.column} ${e.reason}`),
        );
      const aloneErrors = await errorsOf(alone, aloneImport);
      expect(aloneErrors.length).toBeGreaterThanOrEqual(27);
      expect(await errorsOf(org, importId)).toEqual(aloneErrors);
      expect(await crmCounts(org)).toEqual(await crmCounts(alone));
      await expectSampleAdded(org, seeded);
    } finally {
      processor.mergeBatchRows = MERGE_BATCH_ROWS;
    }
  });

  /**
   * Watches the merge (the real statements run): how many batches' statements ran at once, and
   * the rows_merged each batch recorded, in commit order; `failOn` makes the n-th batch's
   * statements fail once.
   */
  function watchMerge(failOn: number | null = null) {
    const proto = ProspectMergeRepository.prototype;
    type Method<K extends 'mergeRows' | 'recordProgress'> = (
      this: ProspectMergeRepository,
      ...args: Parameters<ProspectMergeRepository[K]>
    ) => ReturnType<ProspectMergeRepository[K]>;
    const mergeRows = Reflect.get(proto, 'mergeRows') as Method<'mergeRows'>;
    const recordProgress = Reflect.get(proto, 'recordProgress') as Method<'recordProgress'>;
    const watched = { running: 0, mostAtOnce: 0, batches: 0, progress: [] as number[] };
    proto.mergeRows = async function (this: ProspectMergeRepository, ...args) {
      watched.batches += 1;
      watched.running += 1;
      watched.mostAtOnce = Math.max(watched.mostAtOnce, watched.running);
      try {
        if (watched.batches === failOn) throw new Error('PostgreSQL went away mid-batch');
        return await mergeRows.apply(this, args);
      } finally {
        watched.running -= 1;
      }
    };
    proto.recordProgress = async function (this: ProspectMergeRepository, ...args) {
      await recordProgress.apply(this, args);
      watched.progress.push(args[2]);
    };
    return {
      watched,
      restore: () => {
        proto.mergeRows = mergeRows;
        proto.recordProgress = recordProgress;
      },
    };
  }

  it('merges batches two at a time when they share no merge key, in turn when they do, committing in row order: the same result as one at a time', async () => {
    const summary = async (org: OrganisationId, importId: string) => {
      const found = await inOrg(org, (repos) => repos.importJobs.find(org, importId));
      const errors = await inOrg(org, (repos) =>
        repos.importJobs.errors(org, importId, null, 1_000),
      );
      return {
        found: {
          status: found?.status,
          rows: [found?.rowsValidated, found?.rowsMerged, found?.rowsRejected],
          companies: [found?.companiesCreated, found?.companiesUpdated, found?.companiesUnchanged],
          people: [found?.peopleCreated, found?.peopleUpdated, found?.peopleUnchanged],
          positions: [found?.positionsCreated, found?.positionsUpdated, found?.positionsUnchanged],
        },
        errors: errors.map((e) => `${String(e.rowNumber)} ${e.column} ${e.reason}`),
        crm: await crmCounts(org),
      };
    };
    // Batches of 60 rows (15 companies of 4 people each): neighbours share no key, except
    // around the sample's duplicate lines.
    const importWith = async (lanes: number, rows: string[][] = ROWS) => {
      const merge = watchMerge();
      processor.mergeLanes = lanes;
      processor.mergeBatchRows = 60;
      try {
        const org = (await seedOrganisation(dataSource)).organisationId;
        const importId = await stage(org, rows);
        await processor.process(job(org, importId));
        return { result: await summary(org, importId), watched: merge.watched };
      } finally {
        merge.restore();
        processor.mergeLanes = MERGE_LANES;
        processor.mergeBatchRows = MERGE_BATCH_ROWS;
      }
    };
    const oneAtATime = await importWith(1);
    expect(oneAtATime.watched.mostAtOnce).toBe(1);
    expect(oneAtATime.result.found).toMatchObject({ status: 'completed', rows: [300, 300, 27] });

    const two = await importWith(2);
    expect(two.result).toEqual(oneAtATime.result);
    expect(two.watched.mostAtOnce).toBe(2);
    expect(two.watched.progress).toEqual([60, 120, 180, 240, 300]);

    // More lanes: each batch is checked against every batch in flight, not only the one before.
    const three = await importWith(3);
    expect(three.result).toEqual(oneAtATime.result);
    expect(three.watched.mostAtOnce).toBeGreaterThanOrEqual(2);
    expect(three.watched.progress).toEqual([60, 120, 180, 240, 300]);

    // Every row at the first row's company: every batch shares its keys with the one before, so
    // none starts before the one before has committed — and the result is again the same.
    const companyCells = mapping.fields.flatMap((field, index) =>
      field !== null && COMPANY_FIELDS.has(field) ? [index] : [],
    );
    const first = ROWS[0] ?? [];
    const oneCompany = ROWS.map((row) =>
      row.length === HEADERS.length
        ? row.map((cell, index) => (companyCells.includes(index) ? (first[index] ?? cell) : cell))
        : row,
    );
    const sharedAlone = await importWith(1, oneCompany);
    // One company, created by the first batch and found unchanged by each of the four others.
    expect(sharedAlone.result.found.companies).toEqual([1, 0, 4]);
    const shared = await importWith(2, oneCompany);
    expect(shared.result).toEqual(sharedAlone.result);
    expect(shared.watched.mostAtOnce).toBe(1);
    expect(shared.watched.progress).toEqual([60, 120, 180, 240, 300]);
  });

  it('a batch that fails in a lane takes the one beside it down: only a prefix is committed, and a retry ends the same', async () => {
    processor.mergeBatchRows = 60;
    const failing = watchMerge(3);
    const org = (await seedOrganisation(dataSource)).organisationId;
    const before = await crmCounts(org);
    const importId = await stage(org);
    try {
      await expect(processor.process(job(org, importId))).rejects.toThrow(
        'PostgreSQL went away mid-batch',
      );
      // Batches 1 and 2 committed; 3 failed, and 4 (merging beside it) rolled back with it.
      expect(failing.watched.progress).toEqual([60, 120]);
      expect(failing.watched.batches).toBeGreaterThanOrEqual(4);
      expect(await inOrg(org, (repos) => repos.importJobs.find(org, importId))).toMatchObject({
        status: 'merging',
        rowsMerged: 120,
        rowsValidated: 120,
      });
    } finally {
      failing.restore();
    }
    try {
      await processor.process(job(org, importId));
    } finally {
      processor.mergeBatchRows = MERGE_BATCH_ROWS;
    }
    expect(await inOrg(org, (repos) => repos.importJobs.find(org, importId))).toMatchObject({
      status: 'completed',
      rowsMerged: 300,
      rowsRejected: 27,
      companiesCreated: 75,
      peopleCreated: 270,
      positionsCreated: 270,
    });
    await expectSampleAdded(org, before);
  });

  it('a job that starts before the upload commits waits for it; after a rollback, not found', async () => {
    const org = (await seedOrganisation(dataSource)).organisationId;
    const upload = heldUpload(org);
    const importId = await upload.importId;
    let finished = false;
    const run = processor.process(job(org, importId)).finally(() => {
      finished = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(false);
    await upload.end('commit');
    expect(await run).toEqual({ importId, status: 'completed', rowsTotal: 300, rowsRejected: 27 });

    // An upload that rolls back (the queue was down, the file too large…): the job finds nothing.
    const doomed = heldUpload(org);
    const doomedImport = await doomed.importId;
    const waiting = processor.process(job(org, doomedImport));
    await doomed.end('rollback');
    await expect(waiting).rejects.toThrow(`import ${doomedImport} not found in this organisation`);
  });

  it('an import of another organisation is not found from this one', async () => {
    const a = (await seedOrganisation(dataSource)).organisationId;
    const b = (await seedOrganisation(dataSource)).organisationId;
    const importId = await stage(a);
    await expect(processor.process(job(b, importId))).rejects.toThrow(
      `import ${importId} not found in this organisation`,
    );
    expect(await inOrg(a, (repos) => repos.importJobs.find(a, importId))).toMatchObject({
      status: 'queued',
    });
    expect(importsQueue.name).toBe('outreach.imports');
  });
});
