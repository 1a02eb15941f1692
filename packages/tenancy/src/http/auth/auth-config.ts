/**
 * How bearer tokens are verified.
 *
 * - `hs256`: a shared secret (development, tests, the `token` dev command). Only HS256 is accepted.
 * - `jwks`: an identity provider's JSON Web Key Set (production). Only the listed asymmetric
 *   algorithms (RS256 / ES256) are accepted, and `iss` and `aud` must match.
 */
export type AuthConfig = Hs256AuthConfig | JwksAuthConfig;

export interface Hs256AuthConfig {
  mode: 'hs256';
  /** At least 32 characters. */
  secret: string;
  issuer?: string;
  audience?: string;
  /** Seconds of clock skew tolerated on `exp`/`nbf` (default 5). */
  clockToleranceSeconds?: number;
}

export type AsymmetricAlgorithm = 'RS256' | 'ES256';

export interface JwksAuthConfig {
  mode: 'jwks';
  jwksUrl: string;
  issuer: string;
  audience: string;
  algorithms: readonly AsymmetricAlgorithm[];
  clockToleranceSeconds?: number;
}

export const MIN_HS256_SECRET_LENGTH = 32;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

/** Throws one error listing every problem of an auth configuration (called once at start-up). */
export function assertValidAuthConfig(config: AuthConfig): void {
  const problems: string[] = [];
  if (config.mode === 'hs256') {
    if (config.secret.length < MIN_HS256_SECRET_LENGTH) {
      problems.push(`secret: must be at least ${MIN_HS256_SECRET_LENGTH} characters`);
    }
  } else {
    if (!URL.canParse(config.jwksUrl)) problems.push('jwksUrl: must be an absolute URL');
    if (!config.issuer) problems.push('issuer: required with a JWKS URL');
    if (!config.audience) problems.push('audience: required with a JWKS URL');
    if (config.algorithms.length === 0) problems.push('algorithms: at least one of RS256, ES256');
  }
  const tolerance = config.clockToleranceSeconds;
  if (tolerance !== undefined && (tolerance < 0 || tolerance > 60)) {
    problems.push('clockToleranceSeconds: between 0 and 60');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid auth configuration: ${problems.join('; ')}`);
  }
}
