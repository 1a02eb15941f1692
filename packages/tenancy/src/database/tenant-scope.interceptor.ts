import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { DataSource } from 'typeorm';
import type { TenancyRequest } from '../guards/tenancy-request.js';
import { TENANCY_OPTIONS, type TenancyOptions } from '../tenancy.options.js';
import { runInTenantScope } from './tenant-scope.js';

/**
 * Global interceptor: an organisation route's handler runs inside the tenant context the
 * OrganisationGuard resolved and inside ONE tenant transaction (committed when the handler
 * succeeds, rolled back when it throws). Other routes pass through untouched.
 */
@Injectable()
export class TenantScopeInterceptor implements NestInterceptor {
  private readonly dataSource: DataSource;

  constructor(@Inject(TENANCY_OPTIONS) options: TenancyOptions) {
    this.dataSource = options.dataSource;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const tenant = context.switchToHttp().getRequest<TenancyRequest>().tenant;
    if (!tenant) return next.handle();
    // next.handle() binds the async scope where it is called: call it inside the scope.
    return from(
      runInTenantScope(this.dataSource, tenant, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }
}
