import type { z } from 'zod';

/** Every job payload names its organisation: the worker re-enters that tenant before any work. */
export interface TenantJobPayload {
  organisationId: string;
}

/** A queue, its job names and the schema of each job's payload. */
export interface QueueContract<
  Jobs extends Record<string, z.ZodType<TenantJobPayload>> = Record<
    string,
    z.ZodType<TenantJobPayload>
  >,
> {
  readonly name: string;
  readonly jobs: Jobs;
}

export type JobName<Q extends QueueContract> = keyof Q['jobs'] & string;
export type JobPayload<Q extends QueueContract, N extends JobName<Q>> = z.output<Q['jobs'][N]>;

/** A payload that does not match its job's contract; the message says which field is wrong. */
export class InvalidJobPayloadError extends Error {
  override readonly name = 'InvalidJobPayloadError';
}

export function defineQueue<const Jobs extends Record<string, z.ZodType<TenantJobPayload>>>(
  name: string,
  jobs: Jobs,
): QueueContract<Jobs> {
  return { name, jobs };
}

/** Validates a job's payload against its contract (producer before enqueueing, worker before work). */
export function parseJobPayload<Q extends QueueContract, N extends JobName<Q>>(
  queue: Q,
  jobName: N,
  data: unknown,
): JobPayload<Q, N> {
  const schema = queue.jobs[jobName];
  if (!schema) {
    throw new InvalidJobPayloadError(`queue ${queue.name} has no job named ${jobName}`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const detail = result.error.issues
      .map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`)
      .join('; ');
    throw new InvalidJobPayloadError(`invalid ${queue.name}/${jobName} payload: ${detail}`);
  }
  return result.data as JobPayload<Q, N>;
}
