import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { freePort, isPortInUse } from '../src/ports.js';

/*
 * The README's first command, happy path: `scripts/stack.mjs` on free ports and a throw-away data
 * folder brings up PostgreSQL 18, Redis, pgBouncer, the SMTP catcher (a mail sent to it becomes
 * an .eml file and a line) and the three apps (each answers /health/ready), the apps log JSON when stdout is not a terminal, and Ctrl-C (SIGINT to the
 * stack's process group, as a terminal sends it) stops every process it started and frees every
 * port. The apps must be built: turbo runs this package's tests after the apps' builds.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const STACK = join(root, 'scripts', 'stack.mjs');
const READY_WITHIN_MS = 90_000;
const STOPPED_WITHIN_MS = 30_000;

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  command: string;
}

/** Every process from /proc (Linux), with its parent, group, state and command line. */
function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses.
      const [state = '', ppid = '0', pgrp = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), state, command });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** The live (not zombie) descendants of `pid`. */
function descendants(pid: number): ProcessInfo[] {
  const all = processes().filter((p) => p.state !== 'Z');
  const found: ProcessInfo[] = [];
  let parents = new Set([pid]);
  while (parents.size > 0) {
    const children = all.filter((p) => parents.has(p.ppid));
    found.push(...children);
    parents = new Set(children.map((p) => p.pid));
  }
  return found;
}

function alive(pids: number[]): ProcessInfo[] {
  const wanted = new Set(pids);
  return processes().filter((p) => wanted.has(p.pid) && p.state !== 'Z');
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  deadline: number,
  stack: ChildProcess,
  output: () => string,
): Promise<T> {
  let last: unknown;
  while (Date.now() < deadline) {
    if (stack.exitCode !== null || stack.signalCode !== null) {
      throw new Error(`the stack exited (${stack.exitCode ?? stack.signalCode}):\n${output()}`);
    }
    try {
      return await probe();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${what} not ready: ${String(last)}\n${output()}`);
}

async function pgSelectOne(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisPing(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    socket.setTimeout(2_000, () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      if (data.toString().startsWith('+PONG')) resolve();
      else reject(new Error(`redis answered ${data.toString()}`));
    });
  });
}

async function ready(url: string): Promise<void> {
  const response = await fetch(url, { headers: { connection: 'close' } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
}

describe('stack CLI happy path', () => {
  let dataDir: string;
  let stack: ChildProcess | undefined;
  let started: ProcessInfo[] = [];

  beforeAll(() => {
    const unbuilt = ['api', 'tracker', 'worker']
      .map((app) => `apps/${app}/dist/main.js`)
      .concat('packages/db/dist/migrator/index.js')
      .filter((file) => !existsSync(join(root, file)));
    if (unbuilt.length > 0) {
      throw new Error(
        `${unbuilt.join(', ')} missing: run through turbo (pnpm exec turbo run test --filter=@outreach/devstack) or 'pnpm exec turbo run build' first`,
      );
    }
    dataDir = mkdtempSync(join(tmpdir(), 'stack-up-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as an unprivileged user when we are root
  });

  afterAll(() => {
    // Only after a failure is anything left: kill it so the run does not leak servers.
    // A failure before the stack was ready: its detached children (apps, SMTP catcher) survive
    // a SIGKILL of its group, so find them while the stack still is their parent.
    if (started.length === 0 && stack?.pid !== undefined && stack.exitCode === null) {
      started = descendants(stack.pid);
    }
    for (const p of alive(started.map((s) => s.pid))) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (stack?.pid !== undefined && stack.exitCode === null) {
      try {
        process.kill(-stack.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'brings everything up, logs JSON off a terminal, and Ctrl-C leaves nothing behind',
    async () => {
      const [pgPort, redisPort, bouncerPort, apiPort, trackerPort, workerPort, smtpPort, imapPort] =
        await distinctFreePorts(8);
      const ports = [
        pgPort,
        redisPort,
        bouncerPort,
        apiPort,
        trackerPort,
        workerPort,
        smtpPort,
        imapPort,
      ] as number[];
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'info',
      };
      // Own process group, like a terminal's foreground job; no REDIS_URL: it starts its own.
      const child = spawn(
        process.execPath,
        [
          STACK,
          '--pg-port',
          String(pgPort),
          '--redis-port',
          String(redisPort),
          '--pgbouncer-port',
          String(bouncerPort),
          '--api-port',
          String(apiPort),
          '--tracker-port',
          String(trackerPort),
          '--worker-port',
          String(workerPort),
          '--smtp-port',
          String(smtpPort),
          '--imap-port',
          String(imapPort),
          '--data-dir',
          dataDir,
        ],
        { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      stack = child;
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const output = (): string => `--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr}`;
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const deadline = Date.now() + READY_WITHIN_MS;

      const banner = (label: string): string => {
        const line = stdout.split('\n').find((l) => l.startsWith(`stack: ${label}`));
        if (!line) throw new Error(`no "${label}" line yet`);
        return line.slice(`stack: ${label}`.length).trim();
      };
      await eventually(
        'the banner',
        () => Promise.resolve().then(() => banner('Ctrl-C')),
        deadline,
        child,
        output,
      );
      await eventually(
        'PostgreSQL',
        () => pgSelectOne(banner('PostgreSQL 18')),
        deadline,
        child,
        output,
      );
      await eventually(
        'pgBouncer',
        () => pgSelectOne(banner('pgBouncer')),
        deadline,
        child,
        output,
      );
      await eventually('Redis', () => redisPing(banner('Redis')), deadline, child, output);
      for (const port of [apiPort, trackerPort, workerPort]) {
        await eventually(
          `the app on :${port}`,
          () => ready(`http://127.0.0.1:${port}/health/ready`),
          deadline,
          child,
          output,
        );
      }

      // The SMTP catcher: one .eml under the data folder and one line per mail.
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtpPort,
        ignoreTLS: true,
        auth: { user: 'anyone', pass: 'anything' },
        logger: false,
      });
      try {
        await transport.sendMail({
          from: 'alice@acme.fr',
          to: 'bob@client.fr',
          subject: 'Catcher check',
          text: 'Bonjour',
        });
      } finally {
        transport.close();
      }
      await eventually(
        'the catcher line',
        () =>
          Promise.resolve().then(() => {
            if (
              !/ mail from alice@acme\.fr to bob@client\.fr subject "Catcher check" /.test(stdout)
            )
              throw new Error('no catcher line yet');
          }),
        deadline,
        child,
        output,
      );
      expect(readdirSync(join(dataDir, 'mail')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

      // Not a terminal: the apps' lines are pino JSON.
      const appLines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { service?: string });
      expect(new Set(appLines.map((line) => line.service))).toEqual(
        new Set(['api', 'tracker', 'worker']),
      );

      started = descendants(child.pid ?? -1);
      const commands = started.map((p) => p.command).join('\n');
      expect(commands).toMatch(/bin\/postgres /);
      expect(commands).toMatch(/redis-server /);
      expect(commands).toMatch(/pgbouncer /);
      expect(commands.match(/node .*dist\/main\.js/g)?.length).toBeGreaterThanOrEqual(3);

      // Ctrl-C.
      process.kill(-(child.pid ?? -1), 'SIGINT');
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) =>
          setTimeout(() => {
            resolve('timeout');
          }, STOPPED_WITHIN_MS).unref(),
        ),
      ]);
      expect({ code, output: code === 0 ? '' : output() }).toEqual({ code: 0, output: '' });
      expect(stdout).toContain('stack: SIGINT: stopping');

      expect(alive(started.map((p) => p.pid)).map((p) => `${p.pid} ${p.command}`)).toEqual([]);
      const inGroup = processes().filter((p) => p.pgrp === child.pid && p.state !== 'Z');
      expect(inGroup.map((p) => `${p.pid} ${p.command}`)).toEqual([]);
      for (const port of ports)
        expect({ port, inUse: await isPortInUse(port) }).toEqual({
          port,
          inUse: false,
        });
    },
    READY_WITHIN_MS + STOPPED_WITHIN_MS + 10_000,
  );
});
