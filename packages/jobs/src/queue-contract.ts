import { z } from 'zod';

/**
 * The two kinds of job:
 * - `tenant`: the payload names its organisation (`organisationId`, a uuid); the worker
 *   re-enters that tenant's context before any work, and everything the job does runs inside
 *   that organisation's row-level-security transaction.
 * - `system`: no organisation (e.g. the scheduler's claim of due tasks across organisations);
 *   the handler runs with no tenant context and may reach the database only through
 *   `@outreach/db/system`. Its payload cannot carry an `organisationId`.
 */
export type JobKind = 'tenant' | 'system';

/** What every tenant job's payload carries: the worker re-enters that tenant before any work. */
export interface TenantJobPayload {
  organisationId: string;
}

/** The shape of a tenant job's payload schema: `organisationId: z.uuid()` and any other fields. */
export type TenantJobShape = z.core.$ZodShape & { organisationId: z.ZodUUID };
/** The shape of a system job's payload schema: any fields but `organisationId`. */
export type SystemJobShape = z.core.$ZodShape & { organisationId?: never };

type AnyObjectConfig = z.core.$ZodObjectConfig;

/** A tenant job: `tenantJob(z.object({ organisationId: z.uuid(), … }))`. */
export interface TenantJob<
  S extends z.ZodObject<TenantJobShape, AnyObjectConfig> = z.ZodObject<
    TenantJobShape,
    AnyObjectConfig
  >,
> {
  readonly kind: 'tenant';
  readonly schema: S;
}

/** A system job: `systemJob(z.object({ … }))`, no `organisationId`. */
export interface SystemJob<
  S extends z.ZodObject<SystemJobShape, AnyObjectConfig> = z.ZodObject<
    SystemJobShape,
    AnyObjectConfig
  >,
> {
  readonly kind: 'system';
  readonly schema: S;
}

export type JobDefinition = TenantJob | SystemJob;
export type JobDefinitions = Readonly<Record<string, JobDefinition>>;

/** A queue, its job names and, for each job, its kind and payload schema. */
export interface QueueContract<Jobs extends JobDefinitions = JobDefinitions> {
  readonly name: string;
  readonly jobs: Jobs;
}

export type JobName<Q extends QueueContract> = keyof Q['jobs'] & string;
/** The payload a handler receives (the schema's output). */
export type JobPayload<Q extends QueueContract, N extends JobName<Q>> = z.output<
  Q['jobs'][N]['schema']
>;
/** The payload a producer passes (the schema's input). */
export type JobInput<Q extends QueueContract, N extends JobName<Q>> = z.input<
  Q['jobs'][N]['schema']
>;
export type JobKindOf<Q extends QueueContract, N extends JobName<Q>> = Q['jobs'][N]['kind'];
export type TenantJobName<Q extends QueueContract> = {
  [N in JobName<Q>]: Q['jobs'][N]['kind'] extends 'tenant' ? N : never;
}[JobName<Q>];
export type SystemJobName<Q extends QueueContract> = {
  [N in JobName<Q>]: Q['jobs'][N]['kind'] extends 'system' ? N : never;
}[JobName<Q>];

/** A payload that does not match its job's contract; the message says which field is wrong. */
export class InvalidJobPayloadError extends Error {
  override readonly name = 'InvalidJobPayloadError';
}

/** A queue contract that is wrongly declared (a programming error, thrown at import time). */
export class JobContractError extends Error {
  override readonly name = 'JobContractError';
}

const ORGANISATION_FIELD = 'organisationId';
const QUEUE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/**
 * Declares a tenant job. The schema must be a `z.object` with `organisationId: z.uuid()`
 * (required, not optional or nullable): checked by the compiler and again here.
 */
export function tenantJob<Shape extends TenantJobShape, Config extends AnyObjectConfig>(
  schema: z.ZodObject<Shape, Config>,
): TenantJob<z.ZodObject<Shape, Config>> {
  assertTenantSchema(schema, 'tenantJob');
  return Object.freeze({ kind: 'tenant', schema });
}

/**
 * Declares a system job. The schema must be a `z.object` without `organisationId`, so a
 * system job cannot smuggle a tenant past the tenant context.
 */
export function systemJob<Shape extends SystemJobShape, Config extends AnyObjectConfig>(
  schema: z.ZodObject<Shape, Config>,
): SystemJob<z.ZodObject<Shape, Config>> {
  assertSystemSchema(schema, 'systemJob');
  return Object.freeze({ kind: 'system', schema });
}

function assertTenantSchema(schema: unknown, where: string): void {
  if (!(schema instanceof z.ZodObject)) {
    throw new JobContractError(`${where}: the payload schema must be a z.object`);
  }
  const field: unknown = (schema.shape as Record<string, unknown>)[ORGANISATION_FIELD];
  if (!(field instanceof z.ZodUUID)) {
    throw new JobContractError(
      `${where}: a tenant job's payload must have ${ORGANISATION_FIELD}: z.uuid() (required)`,
    );
  }
}

function assertSystemSchema(schema: unknown, where: string): void {
  if (!(schema instanceof z.ZodObject)) {
    throw new JobContractError(`${where}: the payload schema must be a z.object`);
  }
  if (Object.hasOwn(schema.shape, ORGANISATION_FIELD)) {
    throw new JobContractError(
      `${where}: a system job's payload cannot carry ${ORGANISATION_FIELD}: declare it with tenantJob()`,
    );
  }
}

/**
 * Declares a queue: `defineQueue('outreach.maintenance', { heartbeat: tenantJob(…), … })`.
 * Each job must come from `tenantJob()` or `systemJob()`.
 */
export function defineQueue<const Jobs extends JobDefinitions>(
  name: string,
  jobs: Jobs,
): QueueContract<Jobs> {
  if (!QUEUE_NAME.test(name)) {
    throw new JobContractError(
      `queue name ${JSON.stringify(name)}: expected dot-separated lower-case words (e.g. outreach.maintenance)`,
    );
  }
  const names = Object.keys(jobs);
  if (names.length === 0) throw new JobContractError(`queue ${name} declares no job`);
  for (const jobName of names) {
    const definition: unknown = jobs[jobName];
    const where = `queue ${name} job ${JSON.stringify(jobName)}`;
    if (jobName.length === 0) throw new JobContractError(`${where}: a job needs a name`);
    const kind = (definition as Partial<JobDefinition> | undefined)?.kind;
    const schema = (definition as Partial<JobDefinition> | undefined)?.schema;
    if (kind === 'tenant') assertTenantSchema(schema, where);
    else if (kind === 'system') assertSystemSchema(schema, where);
    else {
      throw new JobContractError(
        `${where}: declare it with tenantJob(schema) or systemJob(schema)`,
      );
    }
  }
  return Object.freeze({ name, jobs: Object.freeze({ ...jobs }) });
}

function jobDefinition(queue: QueueContract, jobName: string): JobDefinition {
  const definition = Object.hasOwn(queue.jobs, jobName) ? queue.jobs[jobName] : undefined;
  if (!definition) {
    throw new InvalidJobPayloadError(`queue ${queue.name} has no job named ${jobName}`);
  }
  return definition;
}

/** The kind of a job; throws InvalidJobPayloadError for a job the queue does not declare. */
export function jobKind<Q extends QueueContract, N extends JobName<Q>>(
  queue: Q,
  jobName: N,
): JobKindOf<Q, N> {
  return jobDefinition(queue, jobName).kind;
}

/**
 * Validates a job's payload against its contract (the producer before enqueueing, the worker
 * before work). Throws InvalidJobPayloadError naming each wrong field; a system job's payload
 * that carries `organisationId` is refused too.
 */
export function parseJobPayload<Q extends QueueContract, N extends JobName<Q>>(
  queue: Q,
  jobName: N,
  data: unknown,
): JobPayload<Q, N> {
  const definition = jobDefinition(queue, jobName);
  const invalid = (detail: string): InvalidJobPayloadError =>
    new InvalidJobPayloadError(`invalid ${queue.name}/${jobName} payload: ${detail}`);
  if (
    definition.kind === 'system' &&
    typeof data === 'object' &&
    data !== null &&
    Object.hasOwn(data, ORGANISATION_FIELD)
  ) {
    throw invalid(`${ORGANISATION_FIELD}: a system job carries no organisation`);
  }
  const result = definition.schema.safeParse(data);
  if (!result.success) {
    throw invalid(
      result.error.issues
        .map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`)
        .join('; '),
    );
  }
  return result.data as JobPayload<Q, N>;
}
