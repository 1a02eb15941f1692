import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.factory.js';
import { InvalidInputError } from '../../src/errors/invalid-input.error.js';
import { SystemDatabase, type ClaimedTask } from '../../src/system/index.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../../src/testing/factories.js';
import { connect } from '../schema/pg-assertions.js';
import { insertTasks, taskStates, type TaskSpec } from './system-fixtures.js';

/** Everything below runs as outreach_app_user (RLS-bound); the superuser only sets up and checks. */
describe('SystemDatabase.claimDueTasks (platform.claim_due_tasks) as outreach_app_user', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let fixture: TwoOrganisationFixture;
  const dataSources: DataSource[] = [];

  async function appDataSource(name: string): Promise<DataSource> {
    const dataSource = createDataSource({
      url: database.appUrl,
      applicationName: name,
      poolSize: 2,
    });
    await dataSource.initialize();
    dataSources.push(dataSource);
    return dataSource;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await connect(database.url);
    const seeding = await appDataSource('claim-seed');
    fixture = await seedTwoOrganisations(seeding);
    // The fixture's own tasks are due now: out of the way, so each test counts only its own.
    await admin.query(
      `UPDATE outreach.tasks SET status = 'completed', completed_at = now() WHERE id = ANY($1)`,
      [[fixture.a.task.id, fixture.b.task.id]],
    );
  });

  afterAll(async () => {
    await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
    await admin.end();
    await database.drop();
  });

  it('two claimers on separate connections, claiming in parallel loops, never share a task and together take every due one', async () => {
    const due: TaskSpec[] = Array.from({ length: 120 }, (_, i) => ({ dueIn: -3600 + i }));
    const notDue: TaskSpec[] = [
      { dueIn: 3600 },
      // Due, but its retry is scheduled later: it runs at coalesce(next_attempt_at, due_at).
      { dueIn: -3600, nextAttemptIn: 600, attempts: 1 },
      { dueIn: -3600, status: 'completed' },
      { dueIn: -3600, status: 'failed', attempts: 5 },
    ];
    const dueA = await insertTasks(admin, fixture.a, due);
    const dueB = await insertTasks(admin, fixture.b, due);
    const skippedA = await insertTasks(admin, fixture.a, notDue);
    const skippedB = await insertTasks(admin, fixture.b, notDue);

    const workers = [
      { owner: 'worker-1', system: new SystemDatabase(await appDataSource('claim-worker-1')) },
      { owner: 'worker-2', system: new SystemDatabase(await appDataSource('claim-worker-2')) },
    ];
    // Two loops per worker (its pool has two connections): four claimers racing.
    const loops = workers.flatMap((worker) =>
      [0, 1].map(async () => {
        const mine: ClaimedTask[] = [];
        for (;;) {
          const batch = await worker.system.claimDueTasks({
            owner: worker.owner,
            leaseMs: 60_000,
            batchSize: 7,
          });
          if (batch.length === 0) return { owner: worker.owner, tasks: mine };
          mine.push(...batch);
        }
      }),
    );
    const results = await Promise.all(loops);

    const claimed = results.flatMap((result) => result.tasks.map((task) => task.taskId));
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort()).toEqual([...dueA, ...dueB].sort());
    // Both workers took part (they raced, neither drained the queue alone).
    for (const worker of workers) {
      expect(results.some((r) => r.owner === worker.owner && r.tasks.length > 0)).toBe(true);
    }
    for (const result of results) {
      for (const task of result.tasks) {
        const expectedOrganisation = dueA.includes(task.taskId)
          ? fixture.a.organisationId
          : fixture.b.organisationId;
        expect(task.organisationId).toBe(expectedOrganisation);
        expect(task.attempt).toBe(1);
      }
    }
    // The database agrees: each due task is running, held by the worker that got it, attempt 1.
    const holder = new Map(
      results.flatMap((result) => result.tasks.map((task) => [task.taskId, result.owner])),
    );
    for (const state of await taskStates(admin, [...dueA, ...dueB])) {
      expect(state).toMatchObject({
        status: 'running',
        locked_by: holder.get(state.id),
        attempts: 1,
      });
    }
    const untouched = await taskStates(admin, [...skippedA, ...skippedB]);
    expect(untouched.map((state) => [state.status, state.locked_by, state.attempts])).toEqual(
      [...notDue, ...notDue].map((spec) => [spec.status ?? 'pending', null, spec.attempts ?? 0]),
    );
  });

  it('takes the oldest due first and stops at the batch size; the lease is the asked length', async () => {
    await drain();
    const [newest = '', oldest = '', middle = ''] = await insertTasks(admin, fixture.a, [
      { dueIn: -10 },
      { dueIn: -300 },
      { dueIn: -100 },
    ]);
    const system = new SystemDatabase(await appDataSource('claim-order'));
    const { rows } = await admin.query<{ now: Date }>('SELECT now() AS now');
    const before = rows[0]?.now.getTime() ?? 0;
    const first = await system.claimDueTasks({ owner: 'w', leaseMs: 90_500, batchSize: 2 });
    expect(first.map((task) => task.taskId)).toEqual(expect.arrayContaining([oldest, middle]));
    expect(first).toHaveLength(2);
    for (const task of first) {
      // 90.5 s rounds up to 91 s after the claim's now().
      const lease = task.leaseExpiresAt.getTime() - before;
      expect(lease).toBeGreaterThanOrEqual(91_000);
      expect(lease).toBeLessThan(91_000 + 10_000);
    }
    const second = await system.claimDueTasks({ owner: 'w', leaseMs: 90_000, batchSize: 2 });
    expect(second.map((task) => task.taskId)).toEqual([newest]);
  });

  it('reclaims an expired lease (attempts + 1), fails one with no attempt left, and leaves a live lease alone', async () => {
    await drain();
    const [expired = '', exhausted = '', live = '', exhaustedPending = ''] = await insertTasks(
      admin,
      fixture.b,
      [
        { dueIn: -600, status: 'running', attempts: 2, lockedBy: 'dead-worker', lockedUntilIn: -5 },
        {
          dueIn: -600,
          status: 'running',
          attempts: 3,
          maxAttempts: 3,
          lockedBy: 'dead-worker',
          lockedUntilIn: -5,
        },
        {
          dueIn: -600,
          status: 'running',
          attempts: 1,
          lockedBy: 'live-worker',
          lockedUntilIn: 600,
        },
        // A retry scheduled past max_attempts must not break every claim on tasks_attempts_check.
        { dueIn: -600, attempts: 5, maxAttempts: 5 },
      ],
    );
    const system = new SystemDatabase(await appDataSource('claim-expired'));
    const claimed = await system.claimDueTasks({
      owner: 'rescuer',
      leaseMs: 30_000,
      batchSize: 10,
    });
    expect(claimed).toEqual([
      {
        organisationId: fixture.b.organisationId,
        taskId: expired,
        attempt: 3,
        leaseExpiresAt: expect.any(Date) as Date,
      },
    ]);
    const states = await taskStates(admin, [expired, exhausted, live, exhaustedPending]);
    expect(states).toEqual([
      { id: expired, status: 'running', locked_by: 'rescuer', attempts: 3, last_error: null },
      {
        id: exhausted,
        status: 'failed',
        locked_by: null,
        attempts: 3,
        last_error:
          'lease expired after 3 of 3 attempts (last held by dead-worker); no attempt left',
      },
      { id: live, status: 'running', locked_by: 'live-worker', attempts: 1, last_error: null },
      {
        id: exhaustedPending,
        status: 'failed',
        locked_by: null,
        attempts: 5,
        last_error: 'due with 5 of 5 attempts used; no attempt left',
      },
    ]);
    // The failed ones stay failed: nothing is left to claim, however often the scheduler asks.
    expect(
      await system.claimDueTasks({ owner: 'rescuer', leaseMs: 30_000, batchSize: 10 }),
    ).toEqual([]);
    expect((await taskStates(admin, [exhausted]))[0]?.status).toBe('failed');
  });

  it('refuses bad arguments with the documented error (SQLSTATE 22023 → InvalidInputError naming the argument)', async () => {
    const system = new SystemDatabase(await appDataSource('claim-bad-args'));
    const cases: Array<[Parameters<SystemDatabase['claimDueTasks']>[0], string, RegExp]> = [
      [{ owner: '   ', leaseMs: 30_000, batchSize: 1 }, 'owner', /owner must be a non-blank text/],
      [{ owner: '', leaseMs: 30_000, batchSize: 1 }, 'owner', /owner must be/],
      [{ owner: 'x'.repeat(201), leaseMs: 30_000, batchSize: 1 }, 'owner', /at most 200/],
      [
        { owner: 'w', leaseMs: 0, batchSize: 1 },
        'lease_seconds',
        /lease must be 1 to 3600 seconds, got 0/,
      ],
      [{ owner: 'w', leaseMs: 3_601_000, batchSize: 1 }, 'lease_seconds', /got 3601/],
      [{ owner: 'w', leaseMs: Number.NaN, batchSize: 1 }, 'lease_seconds', /got <NULL>/],
      [
        { owner: 'w', leaseMs: 30_000, batchSize: 0 },
        'batch_size',
        /batch size must be 1 to 1000, got 0/,
      ],
      [{ owner: 'w', leaseMs: 30_000, batchSize: 100_000 }, 'batch_size', /got 100000/],
      [{ owner: 'w', leaseMs: 30_000, batchSize: 2.5 }, 'batch_size', /got <NULL>/],
    ];
    for (const [options, field, message] of cases) {
      const error: unknown = await system.claimDueTasks(options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect({
        field: (error as InvalidInputError).field,
        kind: (error as InvalidInputError).kind,
      }).toEqual({
        field,
        kind: 'invalid_value',
      });
      expect((error as Error).message).toMatch(message);
    }
    // The SQL function itself, called directly by the app role: SQLSTATE 22023.
    const app = await connect(database.appUrl);
    try {
      for (const args of [
        [' ', 30, 10],
        ['w', 0, 10],
        ['w', 30, 0],
        ['w', 30, 100_000],
      ]) {
        await expect(
          app.query('SELECT * FROM platform.claim_due_tasks($1, $2, $3)', args),
        ).rejects.toMatchObject({ code: '22023' });
      }
    } finally {
      await app.end();
    }
  });

  it('uses the partial indexes tasks_lock_expiry_idx and tasks_due_idx for its cross-organisation scans', async () => {
    await admin.query('ANALYZE outreach.tasks');
    await admin.query('BEGIN');
    try {
      // A tiny table would be scanned sequentially; the question is whether the indexes fit.
      await admin.query('SET LOCAL enable_seqscan = off');
      await admin.query(`SELECT * FROM platform.claim_due_tasks('explain', 30, 5)`);
      // This transaction's own, not yet flushed, scan counts (no view exposes them for indexes).
      const { rows } = await admin.query<{ indexrelname: string }>(
        `SELECT c.relname AS indexrelname FROM pg_class c
          WHERE c.relnamespace = 'outreach'::regnamespace AND c.relkind = 'i'
            AND pg_stat_get_xact_numscans(c.oid) > 0 ORDER BY 1`,
      );
      expect(rows.map((row) => row.indexrelname)).toEqual(
        expect.arrayContaining(['tasks_due_idx', 'tasks_lock_expiry_idx']),
      );
    } finally {
      await admin.query('ROLLBACK');
    }
  });

  /** Marks every open task completed, so a test starts from an empty queue. */
  async function drain(): Promise<void> {
    await admin.query(
      `UPDATE outreach.tasks SET status = 'completed', locked_by = NULL, locked_until = NULL,
              completed_at = now() WHERE status IN ('pending', 'running')`,
    );
  }
});
