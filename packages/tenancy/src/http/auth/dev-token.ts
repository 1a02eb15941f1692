import { SignJWT } from 'jose';

export interface DevTokenOptions {
  secret: string;
  email: string;
  /** Defaults to `dev|<email>`. */
  subject?: string;
  /** Lifetime in seconds (default one hour). Negative values mint an already expired token (tests). */
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** Mints an HS256 token the way the development identity provider would (dev command, tests). */
export async function mintDevToken(options: DevTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ email: options.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject ?? `dev|${options.email}`)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
