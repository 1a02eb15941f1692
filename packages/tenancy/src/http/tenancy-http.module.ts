import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { assertValidAuthConfig } from './auth/auth-config.js';
import { Authenticator } from './auth/authenticator.js';
import { AccessGuard } from './guards/access.guard.js';
import { TENANCY_HTTP_OPTIONS, type TenancyHttpOptions } from './tenancy-http.options.js';
import { TenantScopeInterceptor } from './tenant-scope.interceptor.js';

export interface TenancyHttpModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  useFactory: (...args: never[]) => TenancyHttpOptions | Promise<TenancyHttpOptions>;
}

/**
 * Registers, globally so that no route can forget them, the AccessGuard (token unless
 * `@Public()`; organisation id on `:organisationId` routes) and the TenantScopeInterceptor
 * (membership + permission, tenant context and one RLS transaction per organisation request).
 * Needs the core DatabaseModule (DataSource, TenantDatabase). Exports Authenticator.
 */
@Module({})
export class TenancyHttpModule {
  static forRootAsync(options: TenancyHttpModuleAsyncOptions): DynamicModule {
    return {
      module: TenancyHttpModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: TENANCY_HTTP_OPTIONS,
          inject: options.inject ?? [],
          useFactory: async (...args: never[]) => {
            const resolved = await options.useFactory(...args);
            assertValidAuthConfig(resolved.auth);
            return resolved;
          },
        },
        Authenticator,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: TenantScopeInterceptor },
      ],
      exports: [Authenticator],
    };
  }
}
