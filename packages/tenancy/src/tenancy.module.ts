import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { assertValidAuthConfig } from './auth/auth-config.js';
import { Authenticator } from './auth/authenticator.js';
import { TenantDatabase } from './database/tenant-database.js';
import { TenantScopeInterceptor } from './database/tenant-scope.interceptor.js';
import { AuthGuard } from './guards/auth.guard.js';
import { MembershipResolver } from './guards/membership.resolver.js';
import { OrganisationGuard } from './guards/organisation.guard.js';
import { TENANCY_OPTIONS, type TenancyOptions } from './tenancy.options.js';

export interface TenancyModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  useFactory: (...args: never[]) => TenancyOptions | Promise<TenancyOptions>;
}

/**
 * Registers, globally so that no route can forget them: AuthGuard (token unless `@Public()`),
 * then OrganisationGuard (membership + permission on `:organisationId` routes), and the
 * TenantScopeInterceptor (tenant context + one RLS transaction per organisation request).
 * Exports TenantDatabase and Authenticator.
 */
@Module({})
export class TenancyModule {
  static forRootAsync(options: TenancyModuleAsyncOptions): DynamicModule {
    return {
      module: TenancyModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: TENANCY_OPTIONS,
          inject: options.inject ?? [],
          useFactory: async (...args: never[]) => {
            const resolved = await options.useFactory(...args);
            assertValidAuthConfig(resolved.auth);
            return resolved;
          },
        },
        Authenticator,
        MembershipResolver,
        TenantDatabase,
        // Order matters: Nest runs global guards in registration order.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: OrganisationGuard },
        { provide: APP_INTERCEPTOR, useClass: TenantScopeInterceptor },
      ],
      exports: [TenantDatabase, Authenticator],
    };
  }
}
