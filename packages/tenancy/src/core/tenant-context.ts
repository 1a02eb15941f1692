import { AsyncLocalStorage } from 'node:async_hooks';
import type { OrganisationId } from '@outreach/db';
import type { OrganisationRole } from './permissions.js';

/**
 * Who acts for which organisation. Set by the organisation guard for a request, or by
 * enterJobContext for a job; `userId` is null and `role` is 'system' for jobs.
 */
export interface TenantContext {
  /** Validated once where the context is entered (the HTTP guard, a job payload). */
  readonly organisationId: OrganisationId;
  readonly userId: string | null;
  readonly role: OrganisationRole | 'system';
}

/** Reading the tenant context where none was entered (a bug: tenant work outside a tenant scope). */
export class MissingTenantContextError extends Error {
  override readonly name = 'MissingTenantContextError';
  constructor() {
    super(
      'no tenant context: tenant work must run inside runInTenantContext() ' +
        '(an organisation route, or a job that called enterJobContext())',
    );
  }
}

const storage = new AsyncLocalStorage<TenantContext>();

/** Runs `fn` with `context` as the tenant context of everything it awaits. */
export function runInTenantContext<T>(context: TenantContext, fn: () => T): T {
  return storage.run(Object.freeze({ ...context }), fn);
}

/** The current tenant context; throws MissingTenantContextError when none is set. */
export function getTenantContext(): TenantContext {
  const context = storage.getStore();
  if (!context) throw new MissingTenantContextError();
  return context;
}

/** True inside runInTenantContext (for code that works both with and without a tenant). */
export function hasTenantContext(): boolean {
  return storage.getStore() !== undefined;
}
