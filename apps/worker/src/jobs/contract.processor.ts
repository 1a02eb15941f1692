import {
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import {
  InvalidJobPayloadError,
  parseJobPayload,
  type JobName,
  type JobPayload,
  type QueueContract,
} from '@outreach/jobs';
import { InvalidJobPayloadError as NoTenantError, enterJobContext } from '@outreach/tenancy';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';

export type JobHandlers<Q extends QueueContract> = {
  [N in JobName<Q>]: (payload: JobPayload<Q, N>, job: Job) => Promise<unknown>;
};

/**
 * The one WorkerHost of a queue. Subclasses name their queue contract and one handler per
 * job (the compiler and JobCoverageCheck make sure none is missing). Each job's payload is
 * validated against the contract and the tenant context is re-entered before the handler
 * runs; a payload that does not fit fails the job without retries.
 */
export abstract class ContractProcessor<Q extends QueueContract>
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  abstract readonly queue: Q;
  protected abstract readonly handlers: JobHandlers<Q>;
  private readonly log = new Logger('JobProcessor');
  private redisReachable = true;

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
    const handler = (this.handlers as Partial<JobHandlers<Q>>)[name];
    if (!handler) throw new UnrecoverableError(`no handler for ${this.queue.name}/${job.name}`);
    let payload: JobPayload<Q, typeof name>;
    try {
      payload = parseJobPayload(this.queue, name, job.data);
    } catch (error) {
      if (error instanceof InvalidJobPayloadError) {
        this.log.warn(`job ${job.id ?? '?'} refused: ${error.message}`);
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }
    try {
      return await enterJobContext(payload, () => handler(payload, job));
    } catch (error) {
      if (error instanceof NoTenantError) throw new UnrecoverableError(error.message);
      this.log.error(
        `job ${this.queue.name}/${job.name} ${job.id ?? '?'} failed: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
      throw error;
    }
  }
}
