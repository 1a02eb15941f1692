import { runInTenantContext } from './tenant-context.js';
import { asOrganisationId, isUuid } from '@outreach/db';

/** A job payload that cannot enter a tenant context (no or a malformed organisationId). */
export class InvalidJobPayloadError extends Error {
  override readonly name = 'InvalidJobPayloadError';
}

/**
 * A job payload whose organisationId is well formed but names no organisation (forged, or the
 * organisation was deleted since the job was enqueued): retrying cannot help.
 */
export class UnknownOrganisationError extends Error {
  override readonly name = 'UnknownOrganisationError';
}

/**
 * Re-enters the tenant context from a job's payload before any work: jobs carry
 * `organisationId` (and optionally the `userId` that caused them). Throws
 * InvalidJobPayloadError before running `fn` when the payload does not name an organisation.
 */
export function enterJobContext<T>(payload: unknown, fn: () => T): T {
  if (typeof payload !== 'object' || payload === null) {
    throw new InvalidJobPayloadError('job payload must be an object with an organisationId');
  }
  const { organisationId, userId } = payload as Record<string, unknown>;
  if (!isUuid(organisationId)) {
    throw new InvalidJobPayloadError(
      `job payload organisationId must be a uuid, got ${organisationId === undefined ? 'undefined' : JSON.stringify(organisationId)}`,
    );
  }
  if (userId !== undefined && userId !== null && !isUuid(userId)) {
    throw new InvalidJobPayloadError('job payload userId must be a uuid when present');
  }
  return runInTenantContext(
    { organisationId: asOrganisationId(organisationId), userId: userId ?? null, role: 'system' },
    fn,
  );
}
