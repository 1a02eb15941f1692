import { createDataSource } from '@outreach/db';
import { QUEUE_PREFIX } from '@outreach/jobs';
import { RedisCluster, SmtpSink } from '@outreach/devstack';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { enrollProspects, eventually, seedCampaign } from '../delivery/engine-fixture.js';
import { countsByRecipient, settled, WorkerProcess } from '../delivery/worker-process.js';

/*
 * The scheduler and the send flow on a Redis Cluster (three masters, one replica each), by the
 * built worker as a real process configured with REDIS_CLUSTER_NODES; the master serving the
 * queues' slot is SIGKILLed mid-run and its replica takes over. Every task ends sent, each mail
 * reaches the SMTP sink exactly once.
 */

const SINK_AUTH = { username: 'sink-user', password: 'sink-password' };

/** Waits until the worker's readiness (PostgreSQL and the cluster) answers 200. */
async function ready(worker: WorkerProcess): Promise<void> {
  await eventually(
    async () => {
      const response = await fetch(`${worker.url}/health/ready`).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    },
    20_000,
    'the worker to be ready on the cluster',
  );
}

describe('sequence engine on a Redis Cluster (worker process, failover mid-run)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let cluster: RedisCluster;
  let sink: SmtpSink;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'cluster-test' });
    await dataSource.initialize();
    cluster = await RedisCluster.start();
    sink = await SmtpSink.start({ auth: SINK_AUTH });
  }, 90_000);

  afterAll(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.kill('SIGKILL')));
    await sink.stop();
    await cluster.stop();
    await dataSource.destroy();
    await database.drop();
  });

  it('claims and sends through the cluster; a master killed mid-run loses nothing and sends nothing twice', async () => {
    const TASKS = 200;
    const env = {
      DATABASE_URL: database.appUrl,
      REDIS_CLUSTER_NODES: cluster.nodesVariable,
      CLAIM_EVERY_MS: '200',
      CLAIM_BATCH_SIZE: '50',
      // Jobs the dead master had not replicated come back when their task's lease ends. A job left
      // active by a connection the failover cut waits for BullMQ's stalled check (30 s, twice
      // before it fails and can be added again): a lease shorter than that let a loaded run
      // re-claim such a task until its five attempts were spent, unsent (CI, 2026-11-30).
      CLAIM_LEASE_SECONDS: '30',
      DELIVERY_CONCURRENCY: '8',
      SMTP_POOL_CONNECTIONS: '4',
      TRACKER_PUBLIC_URL: 'https://t.example.test',
    };
    workers.push(await WorkerProcess.start(env), await WorkerProcess.start(env));
    // Ready once the readiness client has discovered the cluster (its first check may time out).
    for (const worker of workers) await ready(worker);

    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    await enrollProspects(dataSource, fixture, TASKS);
    await sink.waitForCount(50, 60_000);
    // Every key of every queue shares the slot of the hash tag: that master goes.
    const queueKey = `${QUEUE_PREFIX}:outreach.delivery:meta`;
    expect(await cluster.cli(['-c', 'EXISTS', queueKey])).toBe('1');
    const { from, to } = await cluster.killMasterOf(queueKey);
    expect(to).not.toBe(from);
    const sentBeforeFailover = sink.received.length;

    const result = await settled(dataSource, fixture, TASKS, 180_000);
    expect(result.others).toEqual([]);
    expect(result.completed).toBe(TASKS);
    expect(sink.received.length).toBeGreaterThan(sentBeforeFailover);
    // Once each: by Message-ID, by recipient, and nothing the database does not know as sent.
    expect(sink.duplicates()).toEqual([]);
    expect([...countsByRecipient(sink)].filter(([, count]) => count > 1)).toEqual([]);
    const counts = sink.countsByMessageId();
    expect(result.sent.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(sink.received).toHaveLength(TASKS);
    // The workers kept running and still reach the cluster after the failover.
    for (const worker of workers) {
      await ready(worker);
      expect(worker.log).not.toMatch(/"level":60/);
    }
  }, 300_000);
});
