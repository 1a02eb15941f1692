import {
  ForbiddenException,
  Injectable,
  NotFoundException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { roleHasPermission } from '../core/permissions.js';
import { TenantDatabase } from '../core/tenant-database.js';
import type { TenantContext } from '../core/tenant-context.js';
import type { TenantScope } from '../core/tenant-scope.js';
import { unknownUser } from './auth/authenticator.js';
import { or401 } from './guards/access.guard.js';
import type { PendingTenant, TenancyRequest } from './guards/tenancy-request.js';

/**
 * Global interceptor: an organisation route runs in ONE tenant transaction. Its first statement
 * finds the caller and their membership (RLS already confines it to the organisation); not a
 * user → 401, no active membership → 404 "organisation not found" (existence does not leak;
 * invited and suspended members get the same answer), missing permission → 403. Then the
 * handler runs in the tenant context, in the same transaction: committed when it succeeds,
 * rolled back when it throws. Never cached: a removed or demoted member loses access on the
 * next request. Other routes pass through untouched.
 */
@Injectable()
export class TenantScopeInterceptor implements NestInterceptor {
  constructor(private readonly database: TenantDatabase) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<TenancyRequest>();
    const pending = request.pendingTenant;
    if (!pending) return next.handle();
    const enter = async (scope: TenantScope): Promise<TenantContext> =>
      or401(this.authorise(request, pending, scope));
    // next.handle() binds the async scope where it is called: call it inside the scope.
    return from(
      this.database.enter(pending.organisationId, enter, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }

  private async authorise(
    request: TenancyRequest,
    pending: PendingTenant,
    scope: TenantScope,
  ): Promise<TenantContext> {
    const { organisationId, caller, permission } = pending;
    const found = await scope.repositories.memberships.findCaller(organisationId, caller.email);
    if (!found) throw unknownUser(caller.email);
    request.auth = { userId: found.userId, email: caller.email, subject: caller.subject };
    const membership = found.membership;
    if (membership?.status !== 'active') throw new NotFoundException('organisation not found');
    if (!roleHasPermission(membership.role, permission)) {
      throw new ForbiddenException(
        `your role "${membership.role}" does not grant "${permission}" in this organisation`,
      );
    }
    request.tenant = { organisationId, userId: found.userId, role: membership.role };
    return request.tenant;
  }
}
