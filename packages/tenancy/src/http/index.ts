// Public surface of @outreach/tenancy/http: authentication, the access guard, the per-request
// tenant transaction and the route decorators. Only HTTP apps (the api) import this entry.
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
  Public,
  RequirePermission,
  IS_PUBLIC_KEY,
  PERMISSION_KEY,
} from './decorators/access.decorators.js';
export { CurrentUser } from './decorators/current-user.decorator.js';
export { AccessGuard } from './guards/access.guard.js';
export {
  ORGANISATION_PARAM,
  routeAccess,
  pathHasOrganisationParam,
} from './guards/route-access.js';
export type { RouteAccess } from './guards/route-access.js';
export type {
  AuthenticatedUser,
  PendingTenant,
  TenancyRequest,
  VerifiedCaller,
} from './guards/tenancy-request.js';
export { TenantScopeInterceptor } from './tenant-scope.interceptor.js';
export { TenancyHttpModule } from './tenancy-http.module.js';
export type { TenancyHttpModuleAsyncOptions } from './tenancy-http.module.js';
export { TENANCY_HTTP_OPTIONS } from './tenancy-http.options.js';
export type { TenancyHttpOptions } from './tenancy-http.options.js';
