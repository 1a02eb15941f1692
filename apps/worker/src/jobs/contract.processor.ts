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
  type JobName,
  type JobPayload,
  type QueueContract,
} from '@outreach/jobs';
import { TenantDatabase } from '@outreach/tenancy';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';

export type JobHandlers<Q extends QueueContract> = {
  [N in JobName<Q>]: (payload: JobPayload<Q, N>, job: Job) => Promise<unknown>;
};

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

  /** Tenant jobs enter through it; subclasses inherit the injection (no constructor needed). */
  constructor(@Inject(TenantDatabase) protected readonly tenants: TenantDatabase) {
    super();
  }

  /**
   * Stops taking jobs before the connections close. With Redis unreachable a graceful close
   * would wait for it forever, so the worker is then closed at once (its jobs stay in Redis).
   */
  async beforeApplicationShutdown(): Promise<void> {
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

  /** Tracks Redis reachability and logs connection errors once per outage (not per retry). */
  onApplicationBootstrap(): void {
    const worker = this.startedWorker();
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
