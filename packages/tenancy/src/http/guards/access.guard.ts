import {
  BadRequestException,
  Injectable,
  InternalServerErrorException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { asOrganisationId, isUuid } from '@outreach/db';
import { AuthenticationError } from '../auth/authentication.error.js';
import { Authenticator } from '../auth/authenticator.js';
import { ORGANISATION_PARAM, routeAccess } from './route-access.js';
import type { TenancyRequest } from './tenancy-request.js';

/**
 * The one global guard. From the route's decorators and path (routeAccess):
 * - public: passes;
 * - authenticated (no `:organisationId`): a valid token mapped to an `iam.users` row (401);
 * - organisation: a valid token (401) and a UUID `:organisationId` (400), validated once and
 *   stored as the pending tenant; the membership and permission (404 / 403) are checked in the
 *   request's tenant transaction by TenantScopeInterceptor, so the check and the work share
 *   one transaction;
 * - misconfigured: 500, fail closed (the api's route inventory test reports these first).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<TenancyRequest>();
    const organisationParam = request.params?.[ORGANISATION_PARAM];
    const access = routeAccess(
      this.reflector,
      [context.getHandler(), context.getClass()],
      organisationParam !== undefined,
    );
    switch (access.kind) {
      case 'public':
        return true;
      case 'misconfigured':
        throw new InternalServerErrorException(`route misconfigured: ${access.reason}`);
      case 'authenticated':
        await or401(this.authenticator.authenticate(request));
        return true;
      case 'organisation': {
        const caller = await or401(this.authenticator.verify(request));
        if (!isUuid(organisationParam)) {
          throw new BadRequestException(`${ORGANISATION_PARAM} must be a UUID`);
        }
        request.pendingTenant = {
          organisationId: asOrganisationId(organisationParam),
          caller,
          permission: access.permission,
        };
        return true;
      }
    }
  }
}

/** Authentication failures are 401 with the reason; anything else is not the caller's fault. */
export async function or401<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AuthenticationError) throw new UnauthorizedException(error.message);
    throw error;
  }
}
