import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  InternalServerErrorException,
  NotFoundException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isUuid } from '@outreach/db';
import { Authenticator } from '../auth/authenticator.js';
import { roleHasPermission } from '../permissions/permissions.js';
import { authenticateOr401 } from './auth.guard.js';
import { MembershipResolver } from './membership.resolver.js';
import { ORGANISATION_PARAM, routeAccess } from './route-access.js';
import type { TenancyRequest } from './tenancy-request.js';

/**
 * Global guard for `/organisations/:organisationId/...`: the caller needs an ACTIVE membership
 * (otherwise 404 "organisation not found": existence does not leak; invited and suspended
 * members get the same answer), then the route's permission (otherwise 403). Stores
 * `{ organisationId, userId, role }` on the request; TenantScopeInterceptor enters it.
 */
@Injectable()
export class OrganisationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly memberships: MembershipResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<TenancyRequest>();
    const organisationId = request.params?.[ORGANISATION_PARAM];
    const access = routeAccess(
      this.reflector,
      [context.getHandler(), context.getClass()],
      organisationId !== undefined,
    );
    switch (access.kind) {
      case 'public':
      case 'authenticated':
        return true;
      case 'misconfigured':
        // Fail closed; the route inventory test reports these before they ship.
        throw new InternalServerErrorException(`route misconfigured: ${access.reason}`);
      case 'organisation':
        break;
    }
    await authenticateOr401(this.authenticator, request);
    if (!isUuid(organisationId)) {
      throw new BadRequestException(`${ORGANISATION_PARAM} must be a UUID`);
    }
    const { userId } = request.auth ?? { userId: '' };
    const membership = await this.memberships.find(organisationId, userId);
    if (membership?.status !== 'active') {
      throw new NotFoundException('organisation not found');
    }
    if (!roleHasPermission(membership.role, access.permission)) {
      throw new ForbiddenException(
        `your role "${membership.role}" does not grant "${access.permission}" in this organisation`,
      );
    }
    request.tenant = {
      organisationId: organisationId.toLowerCase(),
      userId,
      role: membership.role,
    };
    return true;
  }
}
