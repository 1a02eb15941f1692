import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TENANCY_OPTIONS, type TenancyOptions } from '../tenancy.options.js';
import type { AuthenticatedUser, TenancyRequest } from '../guards/tenancy-request.js';
import { AuthenticationError } from './authentication.error.js';
import { parseBearerHeader } from './bearer.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Bearer token → `iam.users` row. The mapping is the token's `email` claim, compared
 * case-insensitively (citext); `sub` is kept on the request. `iam.users` is not a tenant table,
 * so this lookup runs outside any tenant transaction. The result is memoised on the request only.
 */
@Injectable()
export class Authenticator {
  private readonly verifier: TokenVerifier;
  private readonly dataSource: DataSource;

  constructor(@Inject(TENANCY_OPTIONS) options: TenancyOptions) {
    this.verifier = new TokenVerifier(options.auth);
    this.dataSource = options.dataSource;
  }

  async authenticate(request: TenancyRequest): Promise<AuthenticatedUser> {
    if (request.auth) return request.auth;
    const token = parseBearerHeader(request.headers.authorization);
    const { email, subject } = await this.verifier.verify(token);
    const rows: { id: string }[] = await this.dataSource.query(
      'SELECT id FROM iam.users WHERE email = $1',
      [email],
    );
    const user = rows[0];
    if (!user) throw new AuthenticationError(`no user with e-mail ${email}`);
    request.auth = { userId: user.id, email, subject };
    return request.auth;
  }
}
