import { randomUUID } from 'node:crypto';
import { BullModule, Processor } from '@nestjs/bullmq';
import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import {
  defineQueue,
  JobProducer,
  QUEUE_PREFIX,
  redisConnectionOptions,
  systemJob,
  tenantJob,
} from '@outreach/jobs';
import { createDataSource } from '@outreach/db';
import { seedOrganisation } from '@outreach/db/testing';
import { DatabaseModule, getTenantContext, type TenantContext } from '@outreach/tenancy';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@outreach/testing';
import { Job, Queue, QueueEvents } from 'bullmq';
import { z } from 'zod';
import { ContractProcessor, type JobHandlers } from '../src/jobs/contract.processor.js';

/** A queue of its own per run, so nothing else consumes it. */
const kindsQueue = defineQueue(`outreach.test-kinds-${randomUUID()}`, {
  'tenant-echo': tenantJob(z.object({ organisationId: z.uuid() })),
  'system-echo': systemJob(z.object({ note: z.string() })),
  'forged-tenant': tenantJob(z.object({ organisationId: z.uuid() })),
  flaky: systemJob(z.object({})),
});

/** What a system handler observed about the tenant context. */
interface SystemEcho {
  note: string;
  tenantContextError: string;
}

let forgedHandlerRan = false;

@Processor(kindsQueue.name)
class KindsProcessor extends ContractProcessor<typeof kindsQueue> {
  readonly queue = kindsQueue;

  protected readonly handlers: JobHandlers<typeof kindsQueue> = {
    'tenant-echo': () => Promise.resolve(getTenantContext()),
    'system-echo': ({ note }) => {
      try {
        getTenantContext();
        return Promise.resolve({ note, tenantContextError: 'none' });
      } catch (error) {
        return Promise.resolve({ note, tenantContextError: (error as Error).name });
      }
    },
    'forged-tenant': () => {
      forgedHandlerRan = true;
      return Promise.resolve('should never run');
    },
    flaky: () => Promise.reject(new Error('connection reset')),
  };
}

describe('ContractProcessor: tenant and system jobs (real Redis)', () => {
  const connection = (): ReturnType<typeof redisConnectionOptions> =>
    redisConnectionOptions(testRedisUrl());
  let database: TestDatabase;
  let organisationId = '';
  let moduleRef: TestingModule;
  let producer: JobProducer;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    database = await createTestDatabase();
    const seeding = createDataSource({ url: database.appUrl, applicationName: 'seed' });
    await seeding.initialize();
    organisationId = (await seedOrganisation(seeding)).organisationId;
    await seeding.destroy();
    moduleRef = await Test.createTestingModule({
      imports: [
        DatabaseModule.forRootAsync({
          useFactory: () => ({
            url: database.appUrl,
            applicationName: 'worker-test',
            poolSize: 2,
            statementTimeoutMs: 5_000,
          }),
        }),
        BullModule.forRoot({ connection: connection(), prefix: QUEUE_PREFIX }),
        BullModule.registerQueue({ name: kindsQueue.name }),
      ],
      providers: [KindsProcessor],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    producer = new JobProducer({ connection: connection() });
    queue = new Queue(kindsQueue.name, { connection: connection(), prefix: QUEUE_PREFIX });
    events = new QueueEvents(kindsQueue.name, { connection: connection(), prefix: QUEUE_PREFIX });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await producer.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await moduleRef.close();
    await database.drop();
  });

  /** Adds a job straight to Redis, past the producer (an old or foreign producer). */
  async function addRaw(name: string, data: unknown): Promise<Job> {
    return queue.add(name, data, { jobId: randomUUID(), attempts: 3, backoff: 10 });
  }

  async function failed(job: Job): Promise<Job> {
    await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow();
    const stored = await queue.getJob(job.id ?? '');
    if (!stored) throw new Error(`job ${job.id ?? '?'} is gone`);
    return stored;
  }

  async function finished<T>(jobId: string): Promise<T> {
    const job = await queue.getJob(jobId);
    if (!job) throw new Error(`job ${jobId} was not enqueued`);
    return (await job.waitUntilFinished(events, 15_000)) as T;
  }

  it('runs a tenant job inside its organisation’s context', async () => {
    const { jobId } = await producer.enqueue(
      kindsQueue,
      'tenant-echo',
      { organisationId },
      { jobId: randomUUID() },
    );
    await expect(finished<TenantContext>(jobId)).resolves.toEqual({
      organisationId,
      userId: null,
      role: 'system',
    });
  });

  it('runs a system job with no tenant context', async () => {
    const { jobId } = await producer.enqueue(
      kindsQueue,
      'system-echo',
      { note: 'claim' },
      { jobId: randomUUID() },
    );
    await expect(finished<SystemEcho>(jobId)).resolves.toEqual({
      note: 'claim',
      tenantContextError: 'MissingTenantContextError',
    });
  });

  it.each([
    [
      'without an organisation',
      {},
      'organisationId: Invalid input: expected string, received undefined',
    ],
    [
      'with a malformed organisation id',
      { organisationId: 'acme' },
      'organisationId: Invalid UUID',
    ],
    [
      'with a payload that is no object',
      'acme',
      '(payload): Invalid input: expected object, received string',
    ],
  ])('fails a tenant job %s at once, without retries', async (_, data, reason) => {
    const job = await failed(await addRaw('tenant-echo', data));
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe(`invalid ${kindsQueue.name}/tenant-echo payload: ${reason}`);
  });

  it('fails a system job whose payload names an organisation at once', async () => {
    const job = await failed(
      await addRaw('system-echo', { note: 'x', organisationId: randomUUID() }),
    );
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe(
      `invalid ${kindsQueue.name}/system-echo payload: organisationId: a system job carries no organisation`,
    );
  });

  it('fails a job whose well-formed organisationId names no organisation at once, before its handler', async () => {
    const forged = randomUUID();
    const job = await failed(await addRaw('forged-tenant', { organisationId: forged }));
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe(`job payload organisationId ${forged} names no organisation`);
    expect(forgedHandlerRan).toBe(false);
  });

  it('fails a job the queue does not declare at once', async () => {
    const job = await failed(await addRaw('vacuum', {}));
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe(`no handler for ${kindsQueue.name}/vacuum`);
  });

  it('retries any other error with the job’s attempts', async () => {
    const job = await failed(await addRaw('flaky', {}));
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toBe('connection reset');
  });
});
