import type { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, PERMISSION_KEY } from '../decorators/access.decorators.js';
import type { Permission } from '../../core/permissions.js';

/** Name of the route parameter that makes a route an organisation route. */
export const ORGANISATION_PARAM = 'organisationId';

/**
 * How a route is protected, decided from its decorators and path alone:
 * - public: `@Public()`, no token;
 * - authenticated: a valid token (routes without `:organisationId`, e.g. POST /organisations);
 * - organisation: a token, an active membership of `:organisationId` and the permission;
 * - misconfigured: refused at run time (organisation path without a permission, or a
 *   permission on a route without `:organisationId`); the route inventory test fails on it.
 */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'organisation'; permission: Permission }
  | { kind: 'misconfigured'; reason: string };

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's handler/class targets
type Target = Function;

export function routeAccess(
  reflector: Reflector,
  targets: [handler: Target, controller: Target],
  hasOrganisationParam: boolean,
): RouteAccess {
  const isPublic =
    reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true;
  const permission = reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
  if (isPublic) {
    return hasOrganisationParam || permission
      ? { kind: 'misconfigured', reason: 'a public route cannot be an organisation route' }
      : { kind: 'public' };
  }
  if (hasOrganisationParam) {
    return permission
      ? { kind: 'organisation', permission }
      : { kind: 'misconfigured', reason: 'organisation route without @RequirePermission()' };
  }
  return permission
    ? {
        kind: 'misconfigured',
        reason: `@RequirePermission() on a route without :${ORGANISATION_PARAM}`,
      }
    : { kind: 'authenticated' };
}

/** True when an Express/Fastify-style path declares the organisation parameter. */
export function pathHasOrganisationParam(path: string): boolean {
  return new RegExp(`(^|/):${ORGANISATION_PARAM}(/|$|\\()`).test(path);
}
