import type { AuthConfig } from './auth/auth-config.js';

export interface TenancyHttpOptions {
  auth: AuthConfig;
}

export const TENANCY_HTTP_OPTIONS = Symbol.for('outreach.tenancy.httpOptions');
