import { parseCli, UsageError } from './cli-args.js';

const ENV = { DATABASE_URL: 'postgres://u:p@localhost:5432/db' };

function usageError(argv: string[], env: NodeJS.ProcessEnv = ENV): string {
  try {
    parseCli(argv, env, '/caller');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseCli', () => {
  it('reads the command, DATABASE_URL and flags in --a=b, --a b and Flyway -a=b forms', () => {
    const request = parseCli(
      [
        'migrate',
        '--locations',
        'filesystem:sql',
        '-target=2',
        '--installedBy=ci',
        '--outOfOrder',
        '--placeholders.owner=app',
      ],
      ENV,
      '/caller',
    );
    expect(request).toMatchObject({
      command: 'migrate',
      databaseUrl: ENV.DATABASE_URL,
      locations: ['/caller/sql'],
      target: '2',
      installedBy: 'ci',
      outOfOrder: true,
      placeholders: { owner: 'app' },
      cleanDisabled: true,
      json: false,
    });
  });

  it('resolves relative locations against the caller directory and keeps absolute ones', () => {
    expect(
      parseCli(['info', '--locations=filesystem:/abs,rel/dir'], ENV, '/home/me').locations,
    ).toEqual(['/abs', '/home/me/rel/dir']);
  });

  it('allows clean with --cleanDisabled=false or FLYWAY_CLEAN_DISABLED=false', () => {
    expect(parseCli(['clean'], ENV, '/').cleanDisabled).toBe(true);
    expect(parseCli(['clean', '--cleanDisabled=false'], ENV, '/').cleanDisabled).toBe(false);
    expect(parseCli(['clean'], { ...ENV, FLYWAY_CLEAN_DISABLED: 'false' }, '/').cleanDisabled).toBe(
      false,
    );
    expect(
      parseCli(['clean', '--cleanDisabled=true'], { ...ENV, FLYWAY_CLEAN_DISABLED: 'false' }, '/')
        .cleanDisabled,
    ).toBe(true);
  });

  it('explains what is wrong with the command line', () => {
    expect(usageError([])).toMatch(/missing command/);
    expect(usageError(['migrat'])).toMatch(/unknown command "migrat"/);
    expect(usageError(['migrate', 'info'])).toMatch(/one command at a time/);
    expect(usageError(['migrate', '--frobnicate'])).toMatch(/unknown option --frobnicate/);
    expect(usageError(['migrate', '--target'])).toMatch(/--target needs a value/);
    expect(usageError(['clean', '--cleanDisabled=no'])).toMatch(
      /--cleanDisabled takes true or false/,
    );
    expect(usageError(['migrate', '--lockRetryCount=many'])).toMatch(/whole number/);
    expect(usageError(['migrate', '--locations=classpath:db/migration'])).toMatch(
      /only filesystem:DIR/,
    );
  });

  it('requires a postgres:// DATABASE_URL', () => {
    expect(usageError(['info'], {})).toMatch(/DATABASE_URL is not set/);
    expect(usageError(['info'], { DATABASE_URL: 'not a url' })).toMatch(/not a valid URL/);
    expect(usageError(['info'], { DATABASE_URL: 'mysql://h/db' })).toMatch(
      /must start with postgres:\/\//,
    );
    expect(parseCli(['info'], { DATABASE_URL: 'postgresql://h/db' }, '/').databaseUrl).toBe(
      'postgresql://h/db',
    );
  });
});
