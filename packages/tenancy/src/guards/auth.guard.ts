import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationError } from '../auth/authentication.error.js';
import { Authenticator } from '../auth/authenticator.js';
import { IS_PUBLIC_KEY } from '../decorators/access.decorators.js';
import type { TenancyRequest } from './tenancy-request.js';

/** Global guard: every HTTP route needs a valid bearer token unless it is `@Public()`. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    await authenticateOr401(this.authenticator, context.switchToHttp().getRequest());
    return true;
  }
}

export async function authenticateOr401(
  authenticator: Authenticator,
  request: TenancyRequest,
): Promise<void> {
  try {
    await authenticator.authenticate(request);
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new UnauthorizedException(error.message);
    }
    throw error;
  }
}
