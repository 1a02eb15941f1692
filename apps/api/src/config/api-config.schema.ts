import { z } from 'zod';
import { integer, parsed, serviceEnvShape, toServiceConfig } from '@outreach/service-kit/config';
import { DEV_MAILBOX_SECRET_KEYS, SecretKeyRing } from '@outreach/secrets';
import type { AsymmetricAlgorithm, AuthConfig } from '@outreach/tenancy/http';

/**
 * Development-only secrets, used when NODE_ENV is not `production` and the variable is unset,
 * so that `pnpm stack` and the tests need no setup. Production refuses to start without real ones.
 */
export const DEV_AUTH_JWT_SECRET = 'outreach-development-secret-never-use-in-production';
export const DEV_CURSOR_SECRET = 'outreach-development-cursor-secret';
export { DEV_MAILBOX_SECRET_KEYS };

const ALGORITHMS = ['RS256', 'ES256'] as const;

/**
 * The api's environment. Beyond the common service variables:
 * - AUTH_JWT_SECRET (HS256, ≥ 32 characters) or AUTH_JWKS_URL (+ AUTH_ISSUER, AUTH_AUDIENCE,
 *   AUTH_ALGORITHMS = RS256,ES256) for bearer tokens; with a JWKS URL the secret is ignored;
 * - CURSOR_SECRET (≥ 16 characters): signs pagination cursors;
 * - MAILBOX_SECRET_KEYS (`id:base64,…`, the first seals): AES-256-GCM keys of the mailbox
 *   passwords (@outreach/secrets); required in production;
 * - MAILBOX_VERIFY_TIMEOUT_MS (100-60000, default 10000): connection, greeting and socket
 *   timeouts of a mailbox verify (SMTP and IMAP).
 */
export const apiConfigSchema = z
  .object({
    ...serviceEnvShape(3000),
    AUTH_JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    AUTH_ISSUER: z.string().optional(),
    AUTH_AUDIENCE: z.string().optional(),
    AUTH_ALGORITHMS: z
      .string()
      .default('RS256,ES256')
      .transform((value) => value.split(',').map((part) => part.trim()))
      .pipe(z.array(z.enum(ALGORITHMS, { error: 'expected RS256 and/or ES256' })).min(1)),
    CURSOR_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
    MAILBOX_SECRET_KEYS: parsed((value) => SecretKeyRing.parse(value)).optional(),
    MAILBOX_VERIFY_TIMEOUT_MS: integer(100, 60_000, 10_000),
  })
  .superRefine((env, context) => {
    const production = env.NODE_ENV === 'production';
    if (env.AUTH_JWKS_URL) {
      for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
        if (!env[name])
          context.addIssue({
            code: 'custom',
            path: [name],
            message: 'required with AUTH_JWKS_URL',
          });
      }
    } else if (production && !env.AUTH_JWT_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_URL'],
        message: 'required in production (or AUTH_JWT_SECRET)',
      });
    }
    for (const name of ['CURSOR_SECRET', 'MAILBOX_SECRET_KEYS'] as const) {
      if (production && !env[name]) {
        context.addIssue({ code: 'custom', path: [name], message: 'required in production' });
      }
    }
  })
  .transform((env) => ({
    ...toServiceConfig(env),
    auth: toAuthConfig(env),
    cursorSecret: env.CURSOR_SECRET ?? DEV_CURSOR_SECRET,
    mailboxSecrets: env.MAILBOX_SECRET_KEYS ?? SecretKeyRing.parse(DEV_MAILBOX_SECRET_KEYS),
    mailboxVerifyTimeoutMs: env.MAILBOX_VERIFY_TIMEOUT_MS,
  }));

function toAuthConfig(env: {
  AUTH_JWT_SECRET?: string | undefined;
  AUTH_JWKS_URL?: string | undefined;
  AUTH_ISSUER?: string | undefined;
  AUTH_AUDIENCE?: string | undefined;
  AUTH_ALGORITHMS: AsymmetricAlgorithm[];
}): AuthConfig {
  if (env.AUTH_JWKS_URL) {
    return {
      mode: 'jwks',
      jwksUrl: env.AUTH_JWKS_URL,
      issuer: env.AUTH_ISSUER ?? '',
      audience: env.AUTH_AUDIENCE ?? '',
      algorithms: env.AUTH_ALGORITHMS,
    };
  }
  return {
    mode: 'hs256',
    secret: env.AUTH_JWT_SECRET ?? DEV_AUTH_JWT_SECRET,
    ...(env.AUTH_ISSUER ? { issuer: env.AUTH_ISSUER } : {}),
    ...(env.AUTH_AUDIENCE ? { audience: env.AUTH_AUDIENCE } : {}),
  };
}

export type ApiConfig = z.output<typeof apiConfigSchema>;
