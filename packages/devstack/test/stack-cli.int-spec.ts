import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, isPortInUse } from '../src/ports.js';

/*
 * The README's first command refuses bad input with one line and a non-zero exit, before it
 * starts anything (so nothing half-started is left running). The happy path (everything up,
 * Ctrl-C stops it) is stack-up.int-spec.ts.
 */

const STACK = fileURLToPath(new URL('../../../scripts/stack.mjs', import.meta.url));

interface Run {
  status: number | null;
  stderr: string;
}

function stack(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [STACK, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

function expectOneLine(run: Run, pattern: RegExp): void {
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('stack CLI on bad input', () => {
  let root: string;
  let ports: string[];

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'stack-cli-'));
    chmodSync(root, 0o755);
    ports = [
      '--pg-port',
      String(await freePort()),
      '--redis-port',
      String(await freePort()),
      '--pgbouncer-port',
      String(await freePort()),
      '--data-dir',
      root,
      // The apps' ports too, so a stack running on 3000-3002 does not change the outcome.
      '--api-port',
      String(await freePort()),
      '--tracker-port',
      String(await freePort()),
      '--worker-port',
      String(await freePort()),
      '--smtp-port',
      String(await freePort()),
      '--imap-port',
      String(await freePort()),
    ];
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('names an unknown flag and points at --help', () => {
    expectOneLine(stack(['--bogus']), /^stack: Unknown option '--bogus'.*\(see --help\)$/);
  });

  it('refuses a port that is not a port number', () => {
    expectOneLine(stack(['--pg-port', '99999']), /^stack: --pg-port must be a port number/);
  });

  it('refuses an SMTP catcher port that is not a port number', () => {
    expectOneLine(
      stack(['--smtp-port', '0']),
      /^stack: --smtp-port must be a port number \(1-65535\), got 0$/,
    );
  });

  it('refuses two services on one port', () => {
    expectOneLine(
      stack(['--api-port', '4100', '--worker-port', '4100']),
      /^stack: --api-port and --worker-port are both 4100: choose two ports$/,
    );
  });

  it('refuses an unknown log format', () => {
    expectOneLine(stack(['--logs', 'xml']), /^stack: --logs must be pretty or json, got xml$/);
  });

  it('refuses a port already in use and starts nothing', async () => {
    const busy = await freePort();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(busy, '127.0.0.1', resolve));
    try {
      const args = [...ports];
      args[5] = String(busy); // --pgbouncer-port
      expectOneLine(
        stack(args),
        new RegExp(`^stack: port ${busy} \\(bouncer\\) is already in use`),
      );
      expect(await isPortInUse(Number(ports[1]))).toBe(false); // PostgreSQL never started
    } finally {
      server.close();
    }
  });

  it('refuses a data folder made by another PostgreSQL major version and leaves nothing running', async () => {
    mkdirSync(join(root, 'postgres'), { recursive: true });
    writeFileSync(join(root, 'postgres', 'PG_VERSION'), '15\n');
    expectOneLine(stack(ports), /holds a PostgreSQL 15 cluster, not 18: move or delete it/);
    for (const port of [ports[1], ports[3], ports[5]]) {
      expect(await isPortInUse(Number(port))).toBe(false);
    }
  });
});
