// Public surface of @outreach/tenancy (explicit names, no `export *`).
export {
  assertValidAuthConfig,
  MIN_HS256_SECRET_LENGTH,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
} from './auth/auth-config.js';
export type {
  AuthConfig,
  Hs256AuthConfig,
  JwksAuthConfig,
  AsymmetricAlgorithm,
} from './auth/auth-config.js';
export { AuthenticationError } from './auth/authentication.error.js';
export { Authenticator } from './auth/authenticator.js';
export { parseBearerHeader } from './auth/bearer.js';
export { TokenVerifier } from './auth/token-verifier.js';
export type { VerifiedToken } from './auth/token-verifier.js';
export { mintDevToken } from './auth/dev-token.js';
export type { DevTokenOptions } from './auth/dev-token.js';
export {
  getTenantContext,
  hasTenantContext,
  runInTenantContext,
  MissingTenantContextError,
} from './context/tenant-context.js';
export type { TenantContext } from './context/tenant-context.js';
export { enterJobContext, InvalidJobPayloadError } from './context/job-context.js';
export {
  Public,
  RequirePermission,
  IS_PUBLIC_KEY,
  PERMISSION_KEY,
} from './decorators/access.decorators.js';
export { CurrentUser } from './decorators/current-user.decorator.js';
export {
  ORGANISATION_ROLES,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  roleHasPermission,
  isOrganisationRole,
} from './permissions/permissions.js';
export type { OrganisationRole, Permission } from './permissions/permissions.js';
export { AuthGuard } from './guards/auth.guard.js';
export { OrganisationGuard } from './guards/organisation.guard.js';
export { MembershipResolver } from './guards/membership.resolver.js';
export type { Membership } from './guards/membership.resolver.js';
export type { MembershipStatus } from '@outreach/db';
export {
  ORGANISATION_PARAM,
  routeAccess,
  pathHasOrganisationParam,
} from './guards/route-access.js';
export type { RouteAccess } from './guards/route-access.js';
export type { AuthenticatedUser, TenancyRequest } from './guards/tenancy-request.js';
export {
  currentTenantManager,
  runInTenantScope,
  MissingTenantTransactionError,
} from './database/tenant-scope.js';
export { TenantDatabase } from './database/tenant-database.js';
export { TenantScopeInterceptor } from './database/tenant-scope.interceptor.js';
export { TenancyModule } from './tenancy.module.js';
export type { TenancyModuleAsyncOptions } from './tenancy.module.js';
export { TENANCY_OPTIONS } from './tenancy.options.js';
export type { TenancyOptions } from './tenancy.options.js';
