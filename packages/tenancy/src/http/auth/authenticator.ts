import { Inject, Injectable } from '@nestjs/common';
import { UserRepository } from '@outreach/db';
import { DataSource } from 'typeorm';
import type {
  AuthenticatedUser,
  TenancyRequest,
  VerifiedCaller,
} from '../guards/tenancy-request.js';
import { TENANCY_HTTP_OPTIONS, type TenancyHttpOptions } from '../tenancy-http.options.js';
import { AuthenticationError } from './authentication.error.js';
import { parseBearerHeader } from './bearer.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Bearer token → caller. `verify` checks the token only (no database); `authenticate` also maps
 * its `email` claim to the `iam.users` row (citext: case-insensitive) for routes outside any
 * organisation. On organisation routes that look-up happens inside the request's tenant
 * transaction, together with the membership check (TenantScopeInterceptor). Memoised on the
 * request only.
 */
@Injectable()
export class Authenticator {
  private readonly verifier: TokenVerifier;
  /** Built on first use: entity metadata exists only once the DataSource has connected. */
  private users: UserRepository | undefined;

  constructor(
    @Inject(TENANCY_HTTP_OPTIONS) options: TenancyHttpOptions,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.verifier = new TokenVerifier(options.auth);
  }

  async verify(request: TenancyRequest): Promise<VerifiedCaller> {
    if (request.caller) return request.caller;
    const token = parseBearerHeader(request.headers.authorization);
    request.caller = await this.verifier.verify(token);
    return request.caller;
  }

  async authenticate(request: TenancyRequest): Promise<AuthenticatedUser> {
    if (request.auth) return request.auth;
    const { email, subject } = await this.verify(request);
    // iam.users is global (no row-level security): no tenant transaction is needed.
    this.users ??= new UserRepository(this.dataSource.manager);
    const user = await this.users.findByEmail(email);
    if (!user) throw unknownUser(email);
    request.auth = { userId: user.id, email, subject };
    return request.auth;
  }
}

export function unknownUser(email: string): AuthenticationError {
  return new AuthenticationError(`no user with e-mail ${email}`);
}
