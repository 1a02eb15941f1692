import { asOrganisationId } from '@outreach/db';
import { setTimeout as sleep } from 'node:timers/promises';
import { enterJobContext, InvalidJobPayloadError } from './job-context.js';
import {
  getTenantContext,
  hasTenantContext,
  MissingTenantContextError,
  runInTenantContext,
  type TenantContext,
} from './tenant-context.js';

const A: TenantContext = {
  organisationId: asOrganisationId('00000000-0000-4000-8000-00000000000a'),
  userId: '00000000-0000-4000-8000-0000000000a1',
  role: 'admin',
};
const B: TenantContext = {
  ...A,
  organisationId: asOrganisationId('00000000-0000-4000-8000-00000000000b'),
};

describe('tenant context', () => {
  it('throws when read outside a context', () => {
    expect(hasTenantContext()).toBe(false);
    expect(() => getTenantContext()).toThrow(MissingTenantContextError);
  });

  it('is visible across awaits and isolated between concurrent runs', async () => {
    const seen = await Promise.all(
      [A, B].map((context, i) =>
        runInTenantContext(context, async () => {
          await sleep(10 - i * 5);
          return getTenantContext().organisationId;
        }),
      ),
    );
    expect(seen).toEqual([A.organisationId, B.organisationId]);
    expect(hasTenantContext()).toBe(false);
  });

  it('is frozen: a handler cannot switch organisation in place', () => {
    runInTenantContext(A, () => {
      const context = getTenantContext() as { organisationId: string };
      expect(() => {
        context.organisationId = B.organisationId;
      }).toThrow(TypeError);
    });
  });
});

describe('enterJobContext', () => {
  it('enters the payload organisation as a system actor', async () => {
    const context = await enterJobContext(
      { organisationId: A.organisationId.toUpperCase(), userId: A.userId, other: 1 },
      () => Promise.resolve(getTenantContext()),
    );
    expect(context).toEqual({ organisationId: A.organisationId, userId: A.userId, role: 'system' });
  });

  it.each([
    [null, 'job payload must be an object with an organisationId'],
    ['x', 'job payload must be an object with an organisationId'],
    [{}, 'job payload organisationId must be a uuid, got undefined'],
    [
      { organisationId: 'not-a-uuid' },
      'job payload organisationId must be a uuid, got "not-a-uuid"',
    ],
    [
      { organisationId: A.organisationId, userId: 42 },
      'job payload userId must be a uuid when present',
    ],
  ])('refuses %j before running the job', (payload, message) => {
    let ran = false;
    expect(() => {
      enterJobContext(payload, () => {
        ran = true;
      });
    }).toThrow(new InvalidJobPayloadError(message));
    expect(ran).toBe(false);
  });
});
