import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FixtureDir, Playground } from './fixtures.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as `pnpm db` does (node dist/cli/main.js), INIT_CWD = the caller's directory. */
function db(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH, ...env, ...(cwd && { INIT_CWD: cwd }) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('pnpm db (built CLI)', () => {
  let play: Playground;
  let dir: FixtureDir;

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run pnpm --filter @outreach/db build first`);
    play = await Playground.create();
    dir = new FixtureDir({
      'sql/V1__one.sql': 'CREATE TABLE one (id int);',
      'sql/U1__one.sql': 'DROP TABLE one;',
      'sql/V2__two.sql': 'CREATE TABLE two (id int);',
      'sql/U2__two.sql': 'DROP TABLE two;',
    });
  });
  afterAll(async () => {
    await play.dispose();
    dir.dispose();
  });

  it('exits 2 with one line on stderr for a bad command line or DATABASE_URL', async () => {
    for (const [args, env, message] of [
      [['migrate'], {}, /DATABASE_URL is not set/],
      [['migrate'], { DATABASE_URL: 'http://x/y' }, /must start with postgres:\/\//],
      [['fly'], { DATABASE_URL: play.db.url }, /unknown command "fly"/],
      [['info', '--colour'], { DATABASE_URL: play.db.url }, /unknown option --colour/],
    ] as const) {
      const run = await db([...args], env);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });

  it('migrates with a location relative to the caller directory, then info --json, undo, validate', async () => {
    const env = { DATABASE_URL: play.db.url };
    const migrate = await db(['migrate', '--locations', 'filesystem:sql'], env, dir.path);
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/Successfully applied 2 migration\(s\), now at version 2\./);

    const info = await db(['info', '--json', '--locations=filesystem:sql'], env, dir.path);
    expect(info.code).toBe(0);
    const rows = JSON.parse(info.stdout) as {
      version: string;
      state: string;
      script: string;
      undoable: boolean;
    }[];
    expect(rows.map((row) => [row.version, row.state, row.script, row.undoable])).toEqual([
      ['1', 'Success', 'V1__one.sql', true],
      ['2', 'Success', 'V2__two.sql', true],
    ]);

    const table = await db(['info', '--locations=filesystem:sql'], env, dir.path);
    expect(table.stdout).toMatch(/\| Versioned \| 2 +\| two +\| SQL +\| .* \| Success \| Yes +\|/);

    const undo = await db(['undo', '--locations=filesystem:sql'], env, dir.path);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toMatch(/Undid version 2 \(U2__two\.sql\)/);

    const validate = await db(['validate', '--locations=filesystem:sql'], env, dir.path);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(
      /^ERROR: Validate failed: .*version 2 .*not applied to database/,
    );
  });

  it('exits 1 with a clear message for runtime failures', async () => {
    const refused = await db(
      ['clean', '--locations=filesystem:sql'],
      { DATABASE_URL: play.db.url },
      dir.path,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ERROR: clean is disabled/);

    const url = new URL(play.db.url);
    url.port = '1';
    const unreachable = await db(['info'], { DATABASE_URL: url.toString() });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^ERROR: cannot connect to postgres:\/\/.*ECONNREFUSED/);
  });
});
