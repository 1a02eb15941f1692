import { resolve } from 'node:path';

export const COMMANDS = [
  'migrate',
  'info',
  'validate',
  'repair',
  'baseline',
  'undo',
  'clean',
] as const;
export type Command = (typeof COMMANDS)[number];

/** What the command line asks for, before any database work. */
export interface CliRequest {
  command: Command;
  databaseUrl: string;
  locations: string[] | undefined;
  json: boolean;
  cleanDisabled: boolean;
  target: string | undefined;
  baselineVersion: string | undefined;
  baselineDescription: string | undefined;
  installedBy: string | undefined;
  schemas: string[] | undefined;
  defaultSchema: string | undefined;
  table: string | undefined;
  createSchemas: boolean | undefined;
  outOfOrder: boolean | undefined;
  validateOnMigrate: boolean | undefined;
  validateMigrationNaming: boolean | undefined;
  lockRetryCount: number | undefined;
  placeholders: Record<string, string>;
}

/** Bad command line or environment: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: pnpm db <${COMMANDS.join('|')}> [options]
  reads DATABASE_URL (postgres://user:password@host:port/database)
  --locations filesystem:DIR   migrations folder(s), comma-separated (default infra/postgres/db/migrations)
  --json                       info: print JSON instead of a table
  --target=VERSION             migrate up to VERSION (default latest)
  --baselineVersion=VERSION    baseline: version of the baseline row (default 1)
  --baselineDescription=TEXT   baseline: description (default << Flyway Baseline >>)
  --installedBy=NAME           installed_by of new history rows (default current_user)
  --cleanDisabled=false        allow clean (or FLYWAY_CLEAN_DISABLED=false)
  --schemas=a,b                managed schemas (default public); clean drops them
  --defaultSchema=NAME         schema of the history table (default: first of --schemas)
  --table=NAME                 history table (default flyway_schema_history)
  --createSchemas=false        do not create missing --schemas on the first migrate
  --outOfOrder=true            apply pending migrations older than the latest applied one
  --validateOnMigrate=false    skip validation before migrate
  --validateMigrationNaming=false  skip badly named .sql files with a warning instead of failing
  --lockRetryCount=N           advisory lock retries, one second apart (default 50)
  --placeholders.NAME=VALUE    define placeholder \${NAME}`;

type FlagKind = 'string' | 'boolean' | 'list' | 'integer';
const FLAGS: Record<string, FlagKind> = {
  locations: 'list',
  json: 'boolean',
  cleanDisabled: 'boolean',
  target: 'string',
  baselineVersion: 'string',
  baselineDescription: 'string',
  installedBy: 'string',
  schemas: 'list',
  defaultSchema: 'string',
  table: 'string',
  createSchemas: 'boolean',
  outOfOrder: 'boolean',
  validateOnMigrate: 'boolean',
  validateMigrationNaming: 'boolean',
  lockRetryCount: 'integer',
};

function parseBoolean(flag: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`--${flag} takes true or false, got "${value}"`);
}

/**
 * Parses `argv` (without node and script) and the environment. Accepts `--flag=value`,
 * `--flag value` and Flyway's single-dash `-flag=value`. Relative locations are resolved against
 * `cwd` (the caller's directory: pnpm's INIT_CWD when run through `pnpm db`).
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliRequest {
  const values = new Map<string, string[]>();
  const placeholders: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (name.startsWith('placeholders.') && name.length > 'placeholders.'.length) {
      if (eq < 0) throw new UsageError(`${arg} needs a value: --${name}=VALUE`);
      placeholders[name.slice('placeholders.'.length)] = body.slice(eq + 1);
      continue;
    }
    const kind = FLAGS[name];
    if (!kind) throw new UsageError(`unknown option ${arg} (see pnpm db --help)`);
    let value: string | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (value === undefined) {
      const next = argv[i + 1];
      if (kind === 'boolean' && (next === undefined || !['true', 'false'].includes(next)))
        value = 'true';
      else if (next === undefined || next.startsWith('-'))
        throw new UsageError(`--${name} needs a value`);
      else {
        value = next;
        i += 1;
      }
    }
    values.set(name, [...(values.get(name) ?? []), value]);
  }

  if (positional.length === 0)
    throw new UsageError(`missing command: one of ${COMMANDS.join(', ')}`);
  if (positional.length > 1)
    throw new UsageError(`one command at a time, got: ${positional.join(' ')}`);
  const command = positional[0] as Command;
  if (!COMMANDS.includes(command)) {
    throw new UsageError(
      `unknown command "${String(positional[0])}": use one of ${COMMANDS.join(', ')}`,
    );
  }

  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl)
    throw new UsageError('DATABASE_URL is not set (postgres://user:password@host:port/database)');
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new UsageError(
      'DATABASE_URL is not a valid URL (postgres://user:password@host:port/database)',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(
      `DATABASE_URL must start with postgres:// or postgresql://, got ${url.protocol}//`,
    );
  }

  const last = (name: string): string | undefined => values.get(name)?.at(-1);
  const bool = (name: string): boolean | undefined => {
    const value = last(name);
    return value === undefined ? undefined : parseBoolean(name, value);
  };
  const list = (name: string): string[] | undefined => {
    const all = values.get(name);
    if (!all) return undefined;
    const items = all
      .flatMap((value) => value.split(','))
      .map((item) => item.trim())
      .filter(Boolean);
    if (items.length === 0) throw new UsageError(`--${name} needs at least one value`);
    return items;
  };
  const locations = list('locations')?.map((location) => {
    if (/^[a-z]+:/.test(location) && !location.startsWith('filesystem:')) {
      throw new UsageError(`--locations ${location}: only filesystem:DIR locations are supported`);
    }
    return resolve(cwd, location.replace(/^filesystem:/, ''));
  });
  const retries = last('lockRetryCount');
  if (retries !== undefined && !/^\d+$/.test(retries)) {
    throw new UsageError(`--lockRetryCount takes a whole number, got "${retries}"`);
  }
  const envClean = env.FLYWAY_CLEAN_DISABLED;
  if (envClean !== undefined && envClean !== 'true' && envClean !== 'false') {
    throw new UsageError(`FLYWAY_CLEAN_DISABLED takes true or false, got "${envClean}"`);
  }

  return {
    command,
    databaseUrl,
    locations,
    json: bool('json') === true,
    cleanDisabled: bool('cleanDisabled') ?? envClean !== 'false',
    target: last('target'),
    baselineVersion: last('baselineVersion'),
    baselineDescription: last('baselineDescription'),
    installedBy: last('installedBy'),
    schemas: list('schemas'),
    defaultSchema: last('defaultSchema'),
    table: last('table'),
    createSchemas: bool('createSchemas'),
    outOfOrder: bool('outOfOrder'),
    validateOnMigrate: bool('validateOnMigrate'),
    validateMigrationNaming: bool('validateMigrationNaming'),
    lockRetryCount: retries === undefined ? undefined : Number(retries),
    placeholders,
  };
}
