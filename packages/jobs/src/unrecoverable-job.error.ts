/**
 * Errors that retrying cannot fix, by `name`, so that packages which do not depend on this one
 * can raise them: the worker fails such a job at once (BullMQ `UnrecoverableError`, no retries,
 * the message kept as the job's failedReason).
 * - `InvalidJobPayloadError`: the payload does not fit its contract (this package), or a tenant
 *   job names no valid organisation (`enterJobContext` in `@outreach/tenancy`).
 * - `UnknownOrganisationError`: a well-formed `organisationId` that names no organisation (a
 *   forged or deleted tenant), raised when the tenant scope opens its transaction.
 */
export const UNRECOVERABLE_JOB_ERROR_NAMES: readonly string[] = Object.freeze([
  'InvalidJobPayloadError',
  'UnknownOrganisationError',
]);

/** True when retrying the job cannot help (see UNRECOVERABLE_JOB_ERROR_NAMES). */
export function isUnrecoverableJobError(error: unknown): error is Error {
  return error instanceof Error && UNRECOVERABLE_JOB_ERROR_NAMES.includes(error.name);
}
