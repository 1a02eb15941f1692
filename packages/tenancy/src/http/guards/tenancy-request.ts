import type { OrganisationId } from '@outreach/db';
import type { Permission } from '../../core/permissions.js';
import type { TenantContext } from '../../core/tenant-context.js';

/** The authenticated caller: the `iam.users` row the token's e-mail maps to. */
export interface AuthenticatedUser {
  userId: string;
  email: string;
  /** The token's `sub`. */
  subject: string;
}

/** What a verified token says about the caller, before any database look-up. */
export interface VerifiedCaller {
  email: string;
  subject: string;
}

/**
 * An organisation route whose caller's token is valid: the organisation id (validated once,
 * here) and the permission the route needs. The membership is checked inside the request's
 * tenant transaction by TenantScopeInterceptor.
 */
export interface PendingTenant {
  organisationId: OrganisationId;
  caller: VerifiedCaller;
  permission: Permission;
}

/** The parts of an HTTP request (Fastify or Express) the guard and interceptor read and write. */
export interface TenancyRequest {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  caller?: VerifiedCaller;
  auth?: AuthenticatedUser;
  pendingTenant?: PendingTenant;
  tenant?: TenantContext;
}
