import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser, TenancyRequest } from '../guards/tenancy-request.js';

/** The authenticated caller (set by AuthGuard); throws on a public route, where there is none. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const request = context.switchToHttp().getRequest<TenancyRequest>();
    if (!request.auth) throw new Error('CurrentUser used on a route without authentication');
    return request.auth;
  },
);
