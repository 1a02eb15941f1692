import {
  Inject,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import {
  isUnrecoverableJobError,
  jobKind,
  parseJobPayload,
  type JobInput,
  type JobName,
  type JobPayload,
  type JobProducer,
  type QueueContract,
} from '@outreach/jobs';
import { TenantDatabase } from '@outreach/tenancy';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';

export type JobHandlers<Q extends QueueContract> = {
  [N in JobName<Q>]: (payload: JobPayload<Q, N>, job: Job) => Promise<unknown>;
};

/** A BullMQ job scheduler of the processor's queue (idempotent by its id in every process). */
export interface KeptSchedule<Q extends QueueContract> {
  schedulerId: string;
  job: JobName<Q>;
  payload: JobInput<Q, JobName<Q>>;
  everyMs: number;
}

/** The schedulers a processor keeps registered, how often, and through which producer. */
export interface ScheduleKeeping<Q extends QueueContract> {
  producer: JobProducer;
  schedules: readonly KeptSchedule<Q>[];
  /** Upserted again this often: a Redis that restarted empty (flushed, failed over) lost them. */
  refreshMs: number;
}

/**
 * The one WorkerHost of a queue. Subclasses name their queue contract and one handler per
 * job (the compiler and JobCoverageCheck make sure none is missing). Each job's payload is
 * validated against the contract, then by kind:
 * - tenant job: the tenant context is re-entered from `organisationId` and the organisation
 *   checked to exist (TenantDatabase.runJob), then the handler runs inside it;
 * - system job: the handler runs with no tenant context (`getTenantContext()` throws).
 *
 * A job that retrying cannot fix fails at once, without retries, its message kept as the
 * failedReason: an error named as in UNRECOVERABLE_JOB_ERROR_NAMES of `@outreach/jobs`
 * (`InvalidJobPayloadError`: a payload that does not fit, a missing or malformed
 * organisationId; `UnknownOrganisationError`: an organisation that does not exist), thrown
 * while validating, entering the context or running the handler. Any other error is retried
 * with the job's backoff.
 */
export abstract class ContractProcessor<Q extends QueueContract>
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  abstract readonly queue: Q;
  protected abstract readonly handlers: JobHandlers<Q>;
  /**
   * Tenant jobs whose handler checks that the organisation exists in its own first read (and
   * throws UnknownOrganisationError), saving the check's round trip: the hot ones only.
   */
  protected readonly organisationCheckedByHandler: ReadonlySet<JobName<Q>> = new Set();
  private readonly log = new Logger('JobProcessor');
  private redisReachable = true;
  private scheduleTimer: NodeJS.Timeout | undefined;
  private schedulesFailing = false;

  /**
   * The job schedulers this processor keeps in Redis (none by default): upserted at start and
   * every `refreshMs` after, by every worker process (the scheduler id makes it one schedule);
   * with Redis down the failure is logged once per outage and the next refresh registers them.
   */
  protected scheduleKeeping(): ScheduleKeeping<Q> | undefined {
    return undefined;
  }

  /** Jobs this processor runs at once (BullMQ's default of 1 when undefined), set at start. */
  protected concurrency(): number | undefined {
    return undefined;
  }

  /** Tenant jobs enter through it; subclasses inherit the injection (no constructor needed). */
  constructor(@Inject(TenantDatabase) protected readonly tenants: TenantDatabase) {
    super();
  }

  /**
   * Stops taking jobs before the connections close. With Redis unreachable a graceful close
   * would wait for it forever, so the worker is then closed at once (its jobs stay in Redis).
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.scheduleTimer);
    await this.startedWorker()?.close(!this.redisReachable);
  }

  /** The BullMQ worker, or undefined when none was started (module used without BullModule). */
  private startedWorker(): Worker | undefined {
    try {
      return this.worker;
    } catch {
      return undefined;
    }
  }

  /**
   * Tracks Redis reachability and logs connection errors once per outage (not per retry);
   * starts keeping the schedulers.
   */
  onApplicationBootstrap(): void {
    const keeping = this.scheduleKeeping();
    if (keeping) {
      void this.keepSchedules(keeping);
      this.scheduleTimer = setInterval(() => void this.keepSchedules(keeping), keeping.refreshMs);
      this.scheduleTimer.unref();
    }
    const worker = this.startedWorker();
    const concurrency = this.concurrency();
    if (worker && concurrency !== undefined) worker.concurrency = concurrency;
    worker?.on('ready', () => {
      this.redisReachable = true;
    });
    worker?.on('error', (error) => {
      if (this.redisReachable) {
        this.log.error(`queue ${this.queue.name}: ${error.message}`);
      }
      this.redisReachable = false;
    });
  }

  private async keepSchedules(keeping: ScheduleKeeping<Q>): Promise<void> {
    try {
      for (const schedule of keeping.schedules) {
        await keeping.producer.schedule(this.queue, schedule.job, schedule.payload, {
          schedulerId: schedule.schedulerId,
          everyMs: schedule.everyMs,
        });
      }
      this.schedulesFailing = false;
    } catch (error) {
      if (!this.schedulesFailing) {
        this.log.error(`could not register the ${this.queue.name} schedulers: ${String(error)}`);
      }
      this.schedulesFailing = true;
    }
  }

  /** Job names this processor handles (read by JobCoverageCheck). */
  handledJobs(): string[] {
    return Object.keys(this.handlers);
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName<Q>;
    const label = `${this.queue.name}/${job.name} ${job.id ?? '?'}`;
    const handler = Object.hasOwn(this.handlers, name) ? this.handlers[name] : undefined;
    if (!handler) throw new UnrecoverableError(`no handler for ${this.queue.name}/${job.name}`);
    try {
      const payload = parseJobPayload(this.queue, name, job.data);
      const run = (): Promise<unknown> => handler(payload, job);
      return jobKind(this.queue, name) === 'tenant'
        ? await this.tenants.runJob(payload, run, {
            checkOrganisation: !this.organisationCheckedByHandler.has(name),
          })
        : await run();
    } catch (error) {
      if (isUnrecoverableJobError(error)) {
        this.log.warn(`job ${label} refused: ${error.message}`);
        throw new UnrecoverableError(error.message);
      }
      this.log.error(
        `job ${label} failed: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
      throw error;
    }
  }
}
