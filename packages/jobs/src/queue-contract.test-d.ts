/**
 * Type-level test, checked by `tsc --noEmit` (pnpm typecheck), never run. Each
 * `@ts-expect-error` line is a declaration or call that must NOT compile: if one ever
 * compiles, the directive is unused and the typecheck fails (TS2578).
 */
import { z } from 'zod';
import type { JobProducer } from './job-producer.js';
import { maintenanceQueue } from './maintenance.queue.js';
import {
  defineQueue,
  systemJob,
  tenantJob,
  type JobKindOf,
  type JobPayload,
  type SystemJobName,
  type TenantJobName,
} from './queue-contract.js';

declare const producer: JobProducer;
declare const organisationId: string;
const requestedAt = new Date().toISOString();
const jobId = 'heartbeat.test';

// Job kinds are declared with their schema.
tenantJob(z.object({ organisationId: z.uuid(), campaignId: z.uuid() }));
tenantJob(z.strictObject({ organisationId: z.uuid() }));
systemJob(z.object({ batchSize: z.number().int() }));

// @ts-expect-error a tenant job without organisationId
tenantJob(z.object({ requestedAt: z.iso.datetime() }));
// @ts-expect-error organisationId must be a uuid
tenantJob(z.object({ organisationId: z.string() }));
// @ts-expect-error organisationId is required
tenantJob(z.object({ organisationId: z.uuid().optional() }));
// @ts-expect-error a system job cannot smuggle a tenant
systemJob(z.object({ organisationId: z.uuid() }));
// @ts-expect-error a payload schema is an object
systemJob(z.string());
// @ts-expect-error a bare schema is not a job: declare its kind
defineQueue('outreach.test', { bare: z.object({ organisationId: z.uuid() }) });

// Names, kinds and payloads are typed.
export const kind: JobKindOf<typeof maintenanceQueue, 'heartbeat'> = 'tenant';
// @ts-expect-error heartbeat is a tenant job
export const wrongKind: JobKindOf<typeof maintenanceQueue, 'heartbeat'> = 'system';
export const tenantName: TenantJobName<typeof maintenanceQueue> = 'heartbeat';
export const systemName: SystemJobName<typeof maintenanceQueue> = 'system-heartbeat';
// @ts-expect-error system-heartbeat is no tenant job
export const notTenant: TenantJobName<typeof maintenanceQueue> = 'system-heartbeat';
export const payload: JobPayload<typeof maintenanceQueue, 'heartbeat'> = {
  organisationId,
  requestedAt,
};

// The producer: the right job and payload compile.
void producer.enqueue(maintenanceQueue, 'heartbeat', { organisationId, requestedAt }, { jobId });
void producer.enqueue(maintenanceQueue, 'system-heartbeat', { requestedAt }, { jobId, delay: 10 });

// @ts-expect-error no such job on the queue
void producer.enqueue(maintenanceQueue, 'vacuum', { organisationId, requestedAt }, { jobId });
// @ts-expect-error a tenant job's payload without its organisation
void producer.enqueue(maintenanceQueue, 'heartbeat', { requestedAt }, { jobId });
// @ts-expect-error a field of the wrong type
void producer.enqueue(maintenanceQueue, 'heartbeat', { organisationId, requestedAt: 1 }, { jobId });
const queue = maintenanceQueue;
// @ts-expect-error a system job's payload cannot name an organisation (parseJobPayload refuses
// one that is not a literal at run time)
void producer.enqueue(queue, 'system-heartbeat', { requestedAt, organisationId }, { jobId });
// @ts-expect-error every enqueue names its jobId
void producer.enqueue(maintenanceQueue, 'system-heartbeat', { requestedAt }, {});
// @ts-expect-error options are required
void producer.enqueue(maintenanceQueue, 'system-heartbeat', { requestedAt });
