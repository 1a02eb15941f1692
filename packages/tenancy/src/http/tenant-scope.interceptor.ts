import {
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { MembershipRepository, type CallerMembership } from '@outreach/db';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { roleHasPermission } from '../core/permissions.js';
import { TenantDatabase } from '../core/tenant-database.js';
import type { TenantContext } from '../core/tenant-context.js';
import { unknownUser } from './auth/authenticator.js';
import type { PendingTenant, TenancyRequest } from './guards/tenancy-request.js';

/**
 * Global interceptor: an organisation route runs in ONE tenant transaction. Its opening round
 * trip (with the settings) finds the caller and their membership (RLS already confines it to the
 * organisation); not a user → 401, no active membership → 404 "organisation not found" (existence does not leak;
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
    const lookup = MembershipRepository.callerLookup(pending.organisationId, pending.caller.email);
    // next.handle() binds the async scope where it is called: call it inside the scope.
    return from(
      this.database.enter(
        pending.organisationId,
        lookup,
        (found) => this.authorise(request, pending, found),
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }

  private authorise(
    request: TenancyRequest,
    pending: PendingTenant,
    found: CallerMembership | null,
  ): TenantContext {
    const { organisationId, caller, permission } = pending;
    if (!found) throw new UnauthorizedException(unknownUser(caller.email).message);
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
