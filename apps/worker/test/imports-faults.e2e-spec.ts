import {
  createDataSource,
  createRepositories,
  CursorCodec,
  runInTenantTransaction,
  type Import,
  type OrganisationId,
} from '@outreach/db';
import { seedOrganisation } from '@outreach/db/testing';
import { freePort, RedisServer } from '@outreach/devstack';
import { importsQueue, JobProducer, redisConnectionOptions } from '@outreach/jobs';
import { mapHeaders } from '@outreach/pharow';
import { generatePharowCsv } from '@outreach/pharow/sample';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { eventually } from './delivery/engine-fixture.js';
import { WorkerProcess } from './delivery/worker-process.js';

/*
 * "A worker killed mid-import resumes without duplicates" (issue 11, point 5), with the worker
 * as a real process (dist/main.js) against PostgreSQL 18 and Redis: SIGKILL while a batch is
 * being merged, a new worker takes the job back (BullMQ's stalled-job check) and resumes after
 * the last committed batch. The result must equal an import of the same file that nothing
 * interrupted, row for row.
 */

/** Rows of the file: batches of 5,000, 20,000 and 15,000 (MERGE_BATCH_ROWS 20,000). */
const ROWS = 40_000;

const codec = new CursorCodec('worker-imports-faults-spec');

async function* iterate(rows: readonly string[][]): AsyncGenerator<string[]> {
  for (const row of rows) yield await Promise.resolve(row);
}

describe('a prospect import survives its worker killed mid-merge (worker processes, PostgreSQL 18, Redis)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let redis: RedisServer;
  let producer: JobProducer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'imports-faults' });
    await dataSource.initialize();
    redis = new RedisServer({ port: await freePort() });
    await redis.start();
    producer = new JobProducer({ connection: redisConnectionOptions(redis.url) });
  });

  afterAll(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.kill('SIGKILL')));
    await producer.close();
    await redis.stop();
    await dataSource.destroy();
    await database.drop();
  });

  const inOrg = <T>(
    org: OrganisationId,
    work: (repos: ReturnType<typeof createRepositories>) => Promise<T>,
  ): Promise<T> =>
    runInTenantTransaction(dataSource, org, (manager) => work(createRepositories(manager, codec)));

  const found = async (org: OrganisationId, importId: string): Promise<Import> => {
    const row = await inOrg(org, (repos) => repos.importJobs.find(org, importId));
    if (!row) throw new Error(`import ${importId} not found`);
    return row;
  };

  /** What the import and the organisation's crm hold at the end: counters and rows. */
  const outcome = async (org: OrganisationId, importId: string) => {
    const result = await found(org, importId);
    const crm = await runInTenantTransaction(dataSource, org, async (manager) => {
      const [row] = await manager.query<Record<string, number>[]>(
        `SELECT (SELECT count(*) FROM crm.companies)::int AS companies,
                (SELECT count(*) FROM crm.people)::int AS people,
                (SELECT count(*) FROM crm.positions)::int AS positions,
                (SELECT count(pharow_person_id) FROM crm.people)::int AS imported_people,
                (SELECT count(DISTINCT pharow_person_id) FROM crm.people)::int AS distinct_people,
                (SELECT count(*) FROM imports.import_row_errors)::int AS row_errors`,
      );
      return row ?? {};
    });
    return {
      status: result.status,
      rows: [result.rowsTotal, result.rowsValidated, result.rowsMerged, result.rowsRejected],
      companies: [result.companiesCreated, result.companiesUpdated, result.companiesUnchanged],
      people: [result.peopleCreated, result.peopleUpdated, result.peopleUnchanged],
      positions: [result.positionsCreated, result.positionsUpdated, result.positionsUnchanged],
      crm,
    };
  };

  async function stage(org: OrganisationId, rows: readonly string[][], headers: string[]) {
    const mapping = mapHeaders(headers);
    return inOrg(org, async (repos) => {
      const created = await repos.importJobs.create(org, {
        fileName: 'pharow-export.csv',
        fileSize: 0,
        encoding: 'utf-8',
        delimiter: 'semicolon',
        columnMapping: {
          headers: mapping.headers,
          fields: mapping.fields,
          unknown: mapping.unknown,
          override: {},
        },
      });
      await repos.importJobs.copyRows(org, created.id, iterate(rows));
      return created.id;
    });
  }

  const enqueue = (organisationId: OrganisationId, importId: string) =>
    producer.enqueue(
      importsQueue,
      'process-import',
      { organisationId, importId },
      { jobId: importId },
    );

  it('kill -9 mid-merge: a new worker resumes after the last committed batch; the same rows and counts as an uninterrupted import', async () => {
    const csv = generatePharowCsv({ rows: ROWS, seed: 11, badEvery: 50 });
    // Split by hand: the generated file quotes nothing (checked), so `;` separates every cell.
    expect(csv.includes('"')).toBe(false);
    const [header = '', ...lines] = csv.trimEnd().split('\r\n');
    const rows = lines.map((line) => line.split(';'));
    const headers = header.split(';');

    const killedOrg = (await seedOrganisation(dataSource)).organisationId;
    const referenceOrg = (await seedOrganisation(dataSource)).organisationId;
    const killedImport = await stage(killedOrg, rows, headers);
    const referenceImport = await stage(referenceOrg, rows, headers);

    const env = {
      DATABASE_URL: database.appUrl,
      REDIS_URL: redis.url,
      TRACKER_PUBLIC_URL: 'https://t.example.test',
    };
    const first = await WorkerProcess.start(env);
    workers.push(first);
    await enqueue(killedOrg, killedImport);
    // Killed once a batch has committed and the next is being merged.
    const before = await eventually(
      async () => {
        const current = await found(killedOrg, killedImport);
        return current.rowsMerged > 0 ? current : undefined;
      },
      60_000,
      'the first batch to be merged',
    );
    await first.kill('SIGKILL');
    const atKill = await found(killedOrg, killedImport);
    expect(atKill.status).toBe('merging');
    expect(atKill.rowsMerged).toBeGreaterThanOrEqual(before.rowsMerged);
    expect(atKill.rowsMerged).toBeLessThan(ROWS);

    // A new worker: it runs the reference import meanwhile, and takes the killed one's job back
    // once BullMQ sees it stalled (its lock expired: within 15 s for the imports queue).
    const second = await WorkerProcess.start(env);
    workers.push(second);
    await enqueue(referenceOrg, referenceImport);
    const done = (org: OrganisationId, importId: string) =>
      eventually(
        async () => {
          const current = await found(org, importId);
          return current.status === 'completed' || current.status === 'failed'
            ? current
            : undefined;
        },
        150_000,
        `import ${importId} to end`,
      );
    await Promise.all([done(referenceOrg, referenceImport), done(killedOrg, killedImport)]);

    const reference = await outcome(referenceOrg, referenceImport);
    expect(reference.status).toBe('completed');
    expect(reference.rows).toEqual([ROWS, ROWS, ROWS, 720]);
    // No person twice (every imported one carries its Pharow id).
    expect(reference.crm.imported_people).toBe(reference.crm.distinct_people);
    // Every created position is in crm (beside the one the organisation was seeded with).
    expect(reference.crm.positions).toBe((reference.positions[0] ?? 0) + 1);
    // Every 50th row is bad: 720 refused, 80 exact duplicates of the row before (one position).
    expect(reference.positions).toEqual([ROWS - 720 - 80, 0, 0]);
    expect(await outcome(killedOrg, killedImport)).toEqual(reference);
  }, 240_000);
});
