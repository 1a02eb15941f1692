import { parseArgs } from 'node:util';
import { createDataSource, UserRepository } from '@outreach/db';
import { mintDevToken } from '@outreach/tenancy/http';
import { DEV_AUTH_JWT_SECRET } from '../config/api-config.schema.js';

/** A bad command line or environment: printed as one line, exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export const TOKEN_USAGE =
  'usage: pnpm --filter @outreach/api token --email <e-mail> [--first-name <name>] [--last-name <name>] [--expires-in <seconds>]';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface TokenEnvironment {
  DATABASE_URL?: string | undefined;
  AUTH_JWT_SECRET?: string | undefined;
  AUTH_JWKS_URL?: string | undefined;
  AUTH_ISSUER?: string | undefined;
  AUTH_AUDIENCE?: string | undefined;
  NODE_ENV?: string | undefined;
}

/**
 * Development only: makes sure `iam.users` has a row for the e-mail (creating it, with the
 * optional names), then returns an HS256 token for it signed with AUTH_JWT_SECRET (or the
 * development secret the api uses when that is unset), valid one hour by default.
 */
export async function mintTokenCommand(argv: string[], env: TokenEnvironment): Promise<string> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        'first-name': { type: 'string' },
        'last-name': { type: 'string' },
        'expires-in': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0] ?? '';
    throw new CommandError(`${firstLine}; ${TOKEN_USAGE}`);
  }
  const email = values.email;
  if (!email || !EMAIL.test(email))
    throw new CommandError(`--email <e-mail> is required; ${TOKEN_USAGE}`);
  const expiresIn = Number(values['expires-in'] ?? 3600);
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 30 * 24 * 3600) {
    throw new CommandError('--expires-in must be a whole number of seconds between 1 and 2592000');
  }
  if (env.AUTH_JWKS_URL) {
    throw new CommandError(
      'AUTH_JWKS_URL is set: the api only accepts tokens from your identity provider',
    );
  }
  if (env.NODE_ENV === 'production' && !env.AUTH_JWT_SECRET) {
    throw new CommandError('AUTH_JWT_SECRET is required with NODE_ENV=production');
  }
  if (!env.DATABASE_URL)
    throw new CommandError('DATABASE_URL is required (the database the api uses)');

  // iam.users is global (no row-level security): no tenant transaction is needed.
  const dataSource = createDataSource({
    url: env.DATABASE_URL,
    applicationName: 'outreach-token',
    poolSize: 1,
  });
  try {
    await dataSource.initialize();
    await new UserRepository(dataSource.manager).findOrCreate({
      email,
      firstName: values['first-name'] ?? null,
      lastName: values['last-name'] ?? null,
    });
  } catch (error) {
    throw new CommandError(`cannot create the user in DATABASE_URL: ${(error as Error).message}`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
  }
  return mintDevToken({
    secret: env.AUTH_JWT_SECRET ?? DEV_AUTH_JWT_SECRET,
    email,
    expiresInSeconds: expiresIn,
    ...(env.AUTH_ISSUER ? { issuer: env.AUTH_ISSUER } : {}),
    ...(env.AUTH_AUDIENCE ? { audience: env.AUTH_AUDIENCE } : {}),
  });
}
