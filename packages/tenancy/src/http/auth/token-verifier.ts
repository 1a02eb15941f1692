import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  assertValidAuthConfig,
  type AuthConfig,
} from './auth-config.js';
import { AuthenticationError } from './authentication.error.js';

/** What a verified token says about its bearer. */
export interface VerifiedToken {
  /** `sub`: the identity provider's subject, kept for logs and a later subject mapping. */
  subject: string;
  /** `email`: how the bearer is mapped to `iam.users` (case-insensitive). */
  email: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Verifies bearer JWTs with jose. Algorithms are pinned by the configuration (HS256 for a shared
 * secret, RS256/ES256 for a JWKS), `exp` and `sub` are required, and issuer/audience are checked
 * when configured. Every failure is an AuthenticationError with a message for the caller.
 */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly config: AuthConfig) {
    assertValidAuthConfig(config);
    if (config.mode === 'hs256') {
      this.key = new TextEncoder().encode(config.secret);
      this.algorithms = ['HS256'];
    } else {
      this.key = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000 });
      this.algorithms = [...config.algorithms];
    }
  }

  async verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: this.algorithms,
        clockTolerance: this.config.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
        ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
        ...(this.config.audience ? { audience: this.config.audience } : {}),
      };
      // Two calls rather than a union: jose overloads on the key's type.
      const result =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      payload = result.payload;
    } catch (error) {
      throw toAuthenticationError(error, this.algorithms);
    }
    const email = payload['email'];
    if (typeof email !== 'string' || !EMAIL.test(email)) {
      throw new AuthenticationError('token has no valid "email" claim');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new AuthenticationError('token has no "sub" claim');
    }
    return { subject: payload.sub, email };
  }
}

function toAuthenticationError(error: unknown, algorithms: string[]): Error {
  if (error instanceof errors.JWTExpired) return new AuthenticationError('token expired');
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('token signature invalid');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthenticationError(
      `token algorithm not allowed: expected ${algorithms.join(' or ')}`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthenticationError(`token claim "${error.claim}" invalid: ${error.reason}`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AuthenticationError('token signed by an unknown key');
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new AuthenticationError('malformed token');
  }
  // JWKS unreachable or another server-side failure: not the caller's fault.
  return error instanceof Error ? error : new Error(String(error));
}
