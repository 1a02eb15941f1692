import type { DataSource } from 'typeorm';
import type { AuthConfig } from './auth/auth-config.js';

export interface TenancyOptions {
  auth: AuthConfig;
  /** The app's DataSource; it must log in as a member of `outreach_app` (row-level security). */
  dataSource: DataSource;
}

export const TENANCY_OPTIONS = Symbol('TENANCY_OPTIONS');
