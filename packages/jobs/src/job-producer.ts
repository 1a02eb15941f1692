import { Queue, type ConnectionOptions, type DefaultJobOptions, type JobsOptions } from 'bullmq';
import {
  parseJobPayload,
  type JobInput,
  type JobName,
  type QueueContract,
} from './queue-contract.js';
import { QUEUE_PREFIX, queueConnection, type RedisTarget } from './redis-connection.js';

/**
 * Job options of every enqueued job unless `enqueue` overrides them: 5 attempts with
 * exponential backoff from 2 s; completed jobs kept 1 day (at most 1,000), failed ones 7 days
 * (at most 10,000), so Redis stays bounded and a failure can still be inspected.
 */
export const DEFAULT_JOB_OPTIONS: Readonly<DefaultJobOptions> = Object.freeze({
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 10_000 },
});

export interface JobProducerOptions {
  /** `redisConnectionOptions(REDIS_URL)`, or a shared client (see `JobProducer.forTarget`). */
  connection: ConnectionOptions;
  /** Called by `close()` after the queues are closed: releases a connection the producer owns. */
  releaseConnection?: () => Promise<void>;
  /** Redis key prefix; QUEUE_PREFIX (`outreach`) unless a test isolates its queues. */
  prefix?: string;
  /** `enqueue` rejects with JobQueueUnavailableError after this long (default 5,000 ms). */
  enqueueTimeoutMs?: number;
}

export interface EnqueueOptions {
  /**
   * Required. A job that must not run twice gets a fixed id derived from what it does (e.g.
   * the task id of a send): while a job with that id is waiting, delayed, active or still kept
   * (see DEFAULT_JOB_OPTIONS), enqueueing it again adds nothing. Other jobs pass
   * `randomUUID()`. BullMQ refuses ids that are integers or contain `:`.
   */
  jobId: string;
  /** Milliseconds to wait before the job may run. */
  delay?: number;
  /** 1 (highest) … 2,097,151; unset jobs run before prioritised ones. */
  priority?: number;
  /** Overrides DEFAULT_JOB_OPTIONS.attempts. */
  attempts?: number;
  /**
   * Remove the job from Redis as soon as it completes or fails for good, instead of keeping it
   * (DEFAULT_JOB_OPTIONS): for a fixed jobId that must be enqueueable again once done (a send
   * task given back and claimed again).
   */
  removeWhenDone?: boolean;
}

/** What `enqueue` added (or found already there, for a fixed jobId). */
export interface EnqueuedJob {
  queue: string;
  name: string;
  jobId: string;
}

/** Redis did not take the job in time (unreachable or overloaded). */
export class JobQueueUnavailableError extends Error {
  override readonly name = 'JobQueueUnavailableError';
}

/**
 * The one typed producer of the api and the worker. Validates each payload against its queue
 * contract before touching Redis (InvalidJobPayloadError), then adds the job to that queue
 * with DEFAULT_JOB_OPTIONS. Keeps one BullMQ Queue per queue name, created on first use.
 * Plain class: the apps wrap it in a Nest provider and call `close()` on shutdown.
 */
export class JobProducer {
  private readonly queues = new Map<string, Queue>();
  private readonly prefix: string;
  private readonly enqueueTimeoutMs: number;
  private closed = false;

  constructor(private readonly options: JobProducerOptions) {
    this.prefix = options.prefix ?? QUEUE_PREFIX;
    this.enqueueTimeoutMs = options.enqueueTimeoutMs ?? 5_000;
  }

  /**
   * A producer on the apps' Redis target (REDIS_URL or REDIS_CLUSTER_NODES): for a cluster it
   * owns one ioredis Cluster client, quit by `close()`.
   */
  static forTarget(
    target: RedisTarget,
    options: Omit<JobProducerOptions, 'connection' | 'releaseConnection'> = {},
  ): JobProducer {
    const owned = queueConnection(target);
    return new JobProducer({
      ...options,
      connection: owned.connection,
      releaseConnection: () => owned.close(),
    });
  }

  async enqueue<Q extends QueueContract, N extends JobName<Q>>(
    queue: Q,
    job: N,
    payload: JobInput<Q, N>,
    options: EnqueueOptions,
  ): Promise<EnqueuedJob> {
    if (this.closed) throw new Error('job producer is closed');
    const data = parseJobPayload(queue, job, payload);
    assertJobId(options.jobId, `${queue.name}/${job}`);
    const { jobId } = options;
    const added = this.queueFor(queue.name).add(job, data, jobOptions(options));
    const result = await withTimeout(
      added,
      this.enqueueTimeoutMs,
      () =>
        new JobQueueUnavailableError(
          `could not enqueue ${queue.name}/${job} ${jobId} within ${this.enqueueTimeoutMs} ms: is Redis reachable?`,
        ),
    );
    return { queue: queue.name, name: job, jobId: result.id ?? jobId };
  }

  /**
   * Enqueues many jobs of one kind in one round trip (BullMQ addBulk, atomic): each payload is
   * validated first, so one bad payload adds nothing.
   */
  async enqueueMany<Q extends QueueContract, N extends JobName<Q>>(
    queue: Q,
    job: N,
    items: ReadonlyArray<{ payload: JobInput<Q, N>; options: EnqueueOptions }>,
  ): Promise<EnqueuedJob[]> {
    if (this.closed) throw new Error('job producer is closed');
    if (items.length === 0) return [];
    const jobs = items.map(({ payload, options }) => {
      assertJobId(options.jobId, `${queue.name}/${job}`);
      return { name: job, data: parseJobPayload(queue, job, payload), opts: jobOptions(options) };
    });
    const added = await withTimeout(
      this.queueFor(queue.name).addBulk(jobs),
      this.enqueueTimeoutMs,
      () =>
        new JobQueueUnavailableError(
          `could not enqueue ${String(items.length)} ${queue.name}/${job} jobs within ${this.enqueueTimeoutMs} ms: is Redis reachable?`,
        ),
    );
    return added.map((result, index) => ({
      queue: queue.name,
      name: job,
      jobId: result.id ?? items[index]?.options.jobId ?? '',
    }));
  }

  /**
   * Makes sure a BullMQ job scheduler adds `job` (with `payload`) every `everyMs` milliseconds.
   * Idempotent by `schedulerId`: every worker process may call it at start; Redis keeps one
   * schedule, and its jobs are removed when done.
   */
  async schedule<Q extends QueueContract, N extends JobName<Q>>(
    queue: Q,
    job: N,
    payload: JobInput<Q, N>,
    options: { schedulerId: string; everyMs: number },
  ): Promise<void> {
    if (this.closed) throw new Error('job producer is closed');
    const data = parseJobPayload(queue, job, payload);
    await withTimeout(
      this.queueFor(queue.name).upsertJobScheduler(
        options.schedulerId,
        { every: options.everyMs },
        { name: job, data, opts: { removeOnComplete: true, removeOnFail: true, attempts: 1 } },
      ),
      this.enqueueTimeoutMs,
      () =>
        new JobQueueUnavailableError(
          `could not schedule ${queue.name}/${job} within ${this.enqueueTimeoutMs} ms: is Redis reachable?`,
        ),
    );
  }

  /** Closes every queue connection; `enqueue` refuses afterwards. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((queue) => queue.close()));
    const release = this.options.releaseConnection;
    this.options.releaseConnection = undefined;
    await release?.();
  }

  private queueFor(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.options.connection,
        prefix: this.prefix,
        defaultJobOptions: { ...DEFAULT_JOB_OPTIONS },
      });
      // Connection errors surface as rejected or timed-out enqueues; without a listener an
      // 'error' event would crash the process.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }
}

function jobOptions(options: EnqueueOptions): JobsOptions {
  const { jobId, delay, priority, attempts, removeWhenDone } = options;
  return {
    jobId,
    ...(delay === undefined ? {} : { delay }),
    ...(priority === undefined ? {} : { priority }),
    ...(attempts === undefined ? {} : { attempts }),
    ...(removeWhenDone ? { removeOnComplete: true, removeOnFail: true } : {}),
  };
}

function assertJobId(jobId: unknown, job: string): void {
  const problem =
    typeof jobId !== 'string' || jobId.length === 0
      ? 'a jobId is required'
      : /^\d+$/.test(jobId)
        ? 'BullMQ refuses integer ids'
        : jobId.includes(':')
          ? 'BullMQ refuses ids containing ":"'
          : undefined;
  if (problem) throw new TypeError(`invalid jobId ${JSON.stringify(jobId)} for ${job}: ${problem}`);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(error());
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
