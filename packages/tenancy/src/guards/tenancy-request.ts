import type { TenantContext } from '../context/tenant-context.js';

/** The authenticated caller: the `iam.users` row the token's e-mail maps to. */
export interface AuthenticatedUser {
  userId: string;
  email: string;
  /** The token's `sub`. */
  subject: string;
}

/** The parts of an HTTP request (Fastify or Express) the guards read and write. */
export interface TenancyRequest {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  auth?: AuthenticatedUser;
  tenant?: TenantContext;
}
