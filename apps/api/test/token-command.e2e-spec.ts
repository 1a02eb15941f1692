import { mintTokenCommand } from '../src/cli/mint-token.command.js';
import { ApiHarness } from './support/api-harness.js';

describe('dev token command (e2e)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
  });

  afterAll(async () => {
    await api.stop();
  });

  it('creates the user if missing and prints a token the api accepts', async () => {
    const env = { DATABASE_URL: api.database.appUrl };
    const token = await mintTokenCommand(
      ['--email', 'newbie@example.fr', '--first-name', 'Néo'],
      env,
    );
    const created = await api.request('POST', '/organisations', {
      token,
      body: { name: 'Newbie' },
    });
    expect(created.status).toBe(201);
    const again = await mintTokenCommand(['--email', 'newbie@example.fr'], env);
    expect(
      (await api.request('POST', '/organisations', { token: again, body: { name: 'Twice' } }))
        .status,
    ).toBe(201);
    const { rows } = await api.admin.query(
      `SELECT first_name FROM iam.users WHERE email = 'newbie@example.fr'`,
    );
    expect(rows).toEqual([{ first_name: 'Néo' }]);
  });

  it.each([
    [[], {}, /^--email <e-mail> is required; usage:/],
    [['--email', 'x@y.fr', '--bogus'], {}, /^Unknown option '--bogus'/],
    [['--email', 'x@y.fr', '--expires-in=-5'], {}, /^--expires-in must be/],
    [
      ['--email', 'x@y.fr', '--expires-in', '-5'],
      {},
      /^Option '--expires-in' argument is ambiguous\.; usage:/,
    ],
    [['--email', 'x@y.fr'], {}, 'DATABASE_URL is required (the database the api uses)'],
    [
      ['--email', 'x@y.fr'],
      { DATABASE_URL: 'postgres://x', AUTH_JWKS_URL: 'https://idp' },
      /^AUTH_JWKS_URL is set/,
    ],
  ])('refuses %j with one clear line', async (argv, env, message) => {
    await expect(mintTokenCommand(argv, env)).rejects.toThrow(message);
  });
});
