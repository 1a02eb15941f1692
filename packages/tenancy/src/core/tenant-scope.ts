import { AsyncLocalStorage } from 'node:async_hooks';
import {
  createRepositories,
  runInTenantTransactionWith,
  type CursorCodec,
  type OpeningRead,
  type OrganisationId,
  type Repositories,
} from '@outreach/db';
import type { DataSource, EntityManager } from 'typeorm';

/** One tenant transaction in progress: its organisation, its manager and its repositories. */
export interface TenantScope {
  readonly organisationId: OrganisationId;
  readonly manager: EntityManager;
  /** Built once per scope, each repository on first use. */
  readonly repositories: Repositories;
}

/** What a tenant scope is opened on: the app's DataSource and its cursor codec. */
export interface TenantScopeDatabase {
  readonly dataSource: DataSource;
  readonly cursors: CursorCodec;
}

const scopes = new AsyncLocalStorage<TenantScope>();

/** Tenant database work outside a tenant scope (a bug: it would run without RLS context). */
export class MissingTenantTransactionError extends Error {
  override readonly name = 'MissingTenantTransactionError';
  constructor() {
    super(
      'no tenant transaction: tenant database work must run inside a tenant scope ' +
        '(organisation routes get one per request; jobs call TenantDatabase.transaction())',
    );
  }
}

/**
 * Runs `work` in ONE transaction bound to `organisationId` (row-level security confines every
 * statement to it; the setting dies with the transaction, so it is pgBouncer-safe). The scope
 * (manager and lazily built repositories) is available to everything `work` awaits
 * (currentTenantScope). Commits when `work` resolves, rolls back when it throws.
 */
export function runInTenantScope<T>(
  database: TenantScopeDatabase,
  organisationId: OrganisationId,
  work: (scope: TenantScope) => Promise<T>,
): Promise<T> {
  return runInTenantScopeWith(database, organisationId, null, (scope) => work(scope));
}

/** runInTenantScope whose opening round trip also runs `opening`; `work` gets what it read. */
export function runInTenantScopeWith<R, T>(
  database: TenantScopeDatabase,
  organisationId: OrganisationId,
  opening: OpeningRead<R> | null,
  work: (scope: TenantScope, opened: R | null) => Promise<T>,
): Promise<T> {
  return runInTenantTransactionWith(
    database.dataSource,
    organisationId,
    opening,
    (manager, opened) => {
      const scope: TenantScope = Object.freeze({
        organisationId,
        manager,
        repositories: createRepositories(manager, database.cursors),
      });
      return scopes.run(scope, () => work(scope, opened));
    },
  );
}

/** The tenant scope in progress; throws outside one. */
export function currentTenantScope(): TenantScope {
  const scope = scopes.getStore();
  if (!scope) throw new MissingTenantTransactionError();
  return scope;
}
