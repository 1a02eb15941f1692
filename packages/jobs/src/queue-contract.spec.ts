import { maintenanceQueue } from './maintenance.queue.js';
import { InvalidJobPayloadError, parseJobPayload } from './queue-contract.js';

const organisationId = '0193f5b4-8a3e-7c1d-9f00-0123456789ab';

describe('parseJobPayload', () => {
  it('accepts a payload that matches its contract', () => {
    const payload = { organisationId, requestedAt: '2026-01-01T10:00:00.000Z' };
    expect(parseJobPayload(maintenanceQueue, 'heartbeat', payload)).toEqual(payload);
  });

  it('refuses a payload without an organisation, naming the field', () => {
    expect(() =>
      parseJobPayload(maintenanceQueue, 'heartbeat', { requestedAt: '2026-01-01T10:00:00Z' }),
    ).toThrow(
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

  it('refuses an unknown job name', () => {
    expect(() => parseJobPayload(maintenanceQueue, 'nope' as 'heartbeat', {})).toThrow(
      'queue outreach.maintenance has no job named nope',
    );
  });
});
