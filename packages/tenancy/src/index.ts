// Public surface of @outreach/tenancy, the core: tenant context, tenant scope (one RLS
// transaction and its repositories), the tenant database handle, entering a tenant from a job
// payload, roles and permissions, the DatabaseModule. Nothing here imports HTTP: guards,
// authentication and decorators are in '@outreach/tenancy/http'.
export {
  getTenantContext,
  hasTenantContext,
  runInTenantContext,
  MissingTenantContextError,
} from './core/tenant-context.js';
export type { TenantContext } from './core/tenant-context.js';
export {
  enterJobContext,
  InvalidJobPayloadError,
  UnknownOrganisationError,
} from './core/job-context.js';
export {
  currentTenantScope,
  runInTenantScope,
  MissingTenantTransactionError,
} from './core/tenant-scope.js';
export type { TenantScope, TenantScopeDatabase } from './core/tenant-scope.js';
export { TenantDatabase, TENANT_SCOPE_DATABASE } from './core/tenant-database.js';
export { DatabaseModule, databaseOptionsFor } from './core/database.module.js';
export type {
  DatabaseModuleOptions,
  DatabaseModuleAsyncOptions,
  ServiceDatabaseConfig,
} from './core/database.module.js';
export {
  ORGANISATION_ROLES,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  roleHasPermission,
  isOrganisationRole,
} from './core/permissions.js';
export type { OrganisationRole, Permission } from './core/permissions.js';
export type { MembershipStatus, OrganisationId } from '@outreach/db';
