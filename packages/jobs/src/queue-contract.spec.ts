import { z } from 'zod';
import { deliveryQueue } from './delivery.queue.js';
import { importsQueue } from './imports.queue.js';
import { maintenanceQueue } from './maintenance.queue.js';
import {
  defineQueue,
  InvalidJobPayloadError,
  JobContractError,
  jobKind,
  parseJobPayload,
  systemJob,
  tenantJob,
  type JobDefinition,
} from './queue-contract.js';
import { ALL_QUEUES } from './queues.js';

const organisationId = '0193f5b4-8a3e-7c1d-9f00-0123456789ab';
const requestedAt = '2026-01-01T10:00:00.000Z';

describe('job kinds', () => {
  it('declares tenant and system jobs on one queue, with their kinds', () => {
    expect(jobKind(maintenanceQueue, 'heartbeat')).toBe('tenant');
    expect(jobKind(maintenanceQueue, 'system-heartbeat')).toBe('system');
    expect(() => jobKind(maintenanceQueue, 'vacuum' as 'heartbeat')).toThrow(
      new InvalidJobPayloadError('queue outreach.maintenance has no job named vacuum'),
    );
  });

  it('refuses a system job whose schema carries organisationId, at definition time', () => {
    const smuggled = z.object({ organisationId: z.uuid(), batch: z.number() });
    expect(() => systemJob(smuggled as never)).toThrow(
      new JobContractError(
        "systemJob: a system job's payload cannot carry organisationId: declare it with tenantJob()",
      ),
    );
    // Even optional, or hand-built without the helper.
    expect(() => systemJob(z.object({ organisationId: z.uuid().optional() }) as never)).toThrow(
      JobContractError,
    );
    const forged = { kind: 'system', schema: smuggled } as unknown as JobDefinition;
    expect(() => defineQueue('outreach.test', { forged })).toThrow(
      'queue outreach.test job "forged": a system job\'s payload cannot carry organisationId',
    );
  });

  it('refuses a tenant job without a required uuid organisationId', () => {
    const message =
      "tenantJob: a tenant job's payload must have organisationId: z.uuid() (required)";
    for (const schema of [
      z.object({ requestedAt: z.string() }),
      z.object({ organisationId: z.string() }),
      z.object({ organisationId: z.uuid().optional() }),
      z.object({ organisationId: z.uuid().nullable() }),
    ]) {
      expect(() => tenantJob(schema as never)).toThrow(new JobContractError(message));
    }
    expect(() => tenantJob(z.string() as never)).toThrow(
      'tenantJob: the payload schema must be a z.object',
    );
  });

  it('refuses a queue whose jobs are bare schemas, empty, or badly named', () => {
    expect(() =>
      defineQueue('outreach.test', { bare: z.object({ organisationId: z.uuid() }) } as never),
    ).toThrow(
      'queue outreach.test job "bare": declare it with tenantJob(schema) or systemJob(schema)',
    );
    expect(() => defineQueue('outreach.test', {})).toThrow('queue outreach.test declares no job');
    expect(() => defineQueue('outreach:test', { ping: systemJob(z.object({})) })).toThrow(
      'queue name "outreach:test": expected dot-separated lower-case words',
    );
  });

  it('keeps the queue names stable and registered', () => {
    expect(ALL_QUEUES.map((queue) => queue.name)).toEqual([
      'outreach.maintenance',
      'outreach.imports',
      'outreach.delivery',
      'outreach.inbound',
    ]);
    expect(Object.keys(maintenanceQueue.jobs)).toEqual([
      'heartbeat',
      'system-heartbeat',
      'evaluate-experiments',
      'evaluate-experiment',
      'roll-up-campaign-stats',
      'roll-up-campaign',
      'analyze-new-tables',
    ]);
    expect(jobKind(maintenanceQueue, 'roll-up-campaign-stats')).toBe('system');
    expect(jobKind(maintenanceQueue, 'roll-up-campaign')).toBe('tenant');
    expect(jobKind(maintenanceQueue, 'analyze-new-tables')).toBe('system');
    expect(Object.keys(importsQueue.jobs)).toEqual(['process-import']);
    expect(jobKind(importsQueue, 'process-import')).toBe('tenant');
    expect(Object.keys(deliveryQueue.jobs)).toEqual(['claim-due-tasks', 'send-step']);
    expect(jobKind(deliveryQueue, 'claim-due-tasks')).toBe('system');
    expect(jobKind(deliveryQueue, 'send-step')).toBe('tenant');
  });
});

describe('parseJobPayload', () => {
  it('accepts a payload that matches its contract', () => {
    const payload = { organisationId, requestedAt };
    expect(parseJobPayload(maintenanceQueue, 'heartbeat', payload)).toEqual(payload);
    expect(parseJobPayload(maintenanceQueue, 'system-heartbeat', { requestedAt })).toEqual({
      requestedAt,
    });
  });

  it('refuses a tenant payload without an organisation, naming the field', () => {
    expect(() => parseJobPayload(maintenanceQueue, 'heartbeat', { requestedAt })).toThrow(
      new InvalidJobPayloadError(
        'invalid outreach.maintenance/heartbeat payload: organisationId: Invalid input: expected string, received undefined',
      ),
    );
  });

  it('refuses a malformed organisation id and date', () => {
    expect(() =>
      parseJobPayload(maintenanceQueue, 'heartbeat', {
        organisationId: 'acme',
        requestedAt: 'now',
      }),
    ).toThrow(/organisationId: Invalid UUID; requestedAt: Invalid ISO datetime/);
  });

  it('refuses a system payload that names an organisation', () => {
    expect(() =>
      parseJobPayload(maintenanceQueue, 'system-heartbeat', { organisationId, requestedAt }),
    ).toThrow(
      new InvalidJobPayloadError(
        'invalid outreach.maintenance/system-heartbeat payload: organisationId: a system job carries no organisation',
      ),
    );
  });

  it('refuses a payload that is no object', () => {
    expect(() => parseJobPayload(maintenanceQueue, 'system-heartbeat', null)).toThrow(
      'invalid outreach.maintenance/system-heartbeat payload: (payload): Invalid input: expected object, received null',
    );
  });

  it('refuses an unknown job name', () => {
    expect(() => parseJobPayload(maintenanceQueue, 'nope' as 'heartbeat', {})).toThrow(
      'queue outreach.maintenance has no job named nope',
    );
    expect(() => parseJobPayload(maintenanceQueue, 'toString' as 'heartbeat', {})).toThrow(
      'queue outreach.maintenance has no job named toString',
    );
  });
});
