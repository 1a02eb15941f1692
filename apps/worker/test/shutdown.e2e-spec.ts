import { createDataSource } from '@outreach/db';
import { freePort, RedisServer, SmtpSink } from '@outreach/devstack';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { enrollProspects, seedCampaign, select } from './delivery/engine-fixture.js';
import { WorkerProcess } from './delivery/worker-process.js';

const ANSWER_DELAY_MS = 3_000;
const PROSPECTS = 5;

/**
 * SIGTERM with sends in flight, on the built worker (`node dist/main.js`): the BullMQ worker
 * closes gracefully (waits for its active send jobs), then the SMTP transports and the database
 * close. Every message whose SMTP answer was pending ends `sent` and reached the server once.
 */
describe('worker SIGTERM with sends in flight (process, PostgreSQL 18, Redis, SMTP)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let redis: RedisServer;
  let sink: SmtpSink;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'shutdown-test' });
    await dataSource.initialize();
    redis = new RedisServer({ port: await freePort() });
    await redis.start();
    sink = await SmtpSink.start({ auth: { username: 'sink-user', password: 'sink-password' } });
  });

  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await sink.stop();
    await redis.stop();
    await dataSource.destroy();
    await database.drop();
  });

  it('lets every in-flight send finish: sent in PostgreSQL, received once, clean exit', async () => {
    sink.setBehaviour({ answerDelayMs: ANSWER_DELAY_MS });
    worker = await WorkerProcess.start({
      DATABASE_URL: database.appUrl,
      REDIS_URL: redis.url,
      CLAIM_EVERY_MS: '200',
      SHUTDOWN_TIMEOUT_MS: '30000',
    });
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    await enrollProspects(dataSource, fixture, PROSPECTS);
    const messages = (): Promise<Array<{ status: string; message_id: string }>> =>
      select(
        dataSource,
        fixture.organisationId,
        `SELECT status, message_id FROM outreach.messages ORDER BY message_id`,
      );

    // Every mail is at the server, its 250 still pending: the sends are in flight.
    await sink.waitForCount(PROSPECTS, 20_000);
    const inFlight = await messages();
    expect(inFlight).toHaveLength(PROSPECTS);
    expect(inFlight.filter((message) => message.status === 'sent')).toEqual([]);

    const signalled = Date.now();
    const exit = await worker.kill('SIGTERM');
    const tookMs = Date.now() - signalled;
    // Nest re-raises the signal after a clean close; `code 1` would be the shutdown timeout.
    expect(['SIGTERM', 'code 0']).toContain(exit);
    expect(tookMs).toBeLessThan(30_000);
    expect(worker.log).not.toMatch(/shutdown timed out/);

    const after = await messages();
    expect(after.map((message) => message.status)).toEqual(Array(PROSPECTS).fill('sent'));
    for (const message of after) {
      expect(sink.countsByMessageId().get(message.message_id)).toBe(1);
    }
    expect(sink.received).toHaveLength(PROSPECTS);
    expect(sink.duplicates()).toEqual([]);
    const tasks = await select<{ status: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT status FROM outreach.tasks`,
    );
    expect(tasks.map((task) => task.status)).toEqual(Array(PROSPECTS).fill('completed'));
  });
});
