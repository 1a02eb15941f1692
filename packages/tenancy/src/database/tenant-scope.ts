import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { asOrganisationId, runInTenantTransaction } from '@outreach/db';
import { runInTenantContext, type TenantContext } from '../context/tenant-context.js';

const managers = new AsyncLocalStorage<EntityManager>();

/** Tenant database work outside runInTenantScope (a bug: it would run without RLS context). */
export class MissingTenantTransactionError extends Error {
  override readonly name = 'MissingTenantTransactionError';
  constructor() {
    super(
      'no tenant transaction: tenant database work must run inside runInTenantScope() ' +
        '(organisation routes get one per request; jobs call TenantDatabase.transaction())',
    );
  }
}

/**
 * Enters `context` and runs `work` in ONE transaction whose first statement is
 * `set_config('app.organisation_id', <organisationId>, true)`: row-level security confines every
 * statement to that organisation, and the setting dies with the transaction (pgBouncer-safe).
 * The transaction's EntityManager is available to everything `work` awaits (currentTenantManager).
 * Commits when `work` resolves, rolls back when it throws: nothing half-written.
 */
export async function runInTenantScope<T>(
  dataSource: DataSource,
  context: TenantContext,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const organisationId = asOrganisationId(context.organisationId);
  return runInTenantContext({ ...context, organisationId }, () =>
    runInTenantTransaction(dataSource, organisationId, (manager) =>
      managers.run(manager, () => work(manager)),
    ),
  );
}

/** The EntityManager of the tenant transaction in progress; throws outside one. */
export function currentTenantManager(): EntityManager {
  const manager = managers.getStore();
  if (!manager) throw new MissingTenantTransactionError();
  return manager;
}
