import { InvalidInputError } from './errors/invalid-input.error.js';

declare const organisationIdBrand: unique symbol;

/**
 * A validated organisation id. Repositories take this, not a plain string, so the organisation
 * cannot be swapped with another id argument by accident; it comes from the tenant context
 * (packages/tenancy) or from asOrganisationId at a trusted boundary (job payloads, tests).
 */
export type OrganisationId = string & { readonly [organisationIdBrand]: true };

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

export function asOrganisationId(value: string): OrganisationId {
  if (!isUuid(value)) {
    throw new InvalidInputError(
      'invalid_value',
      'organisations',
      'organisation_id',
      `organisation_id must be a UUID, got ${JSON.stringify(value)}`,
    );
  }
  return value.toLowerCase() as OrganisationId;
}
