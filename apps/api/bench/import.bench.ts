/**
 * The prospect import end to end (issue 11, point 7): a synthetic 100,000-row Pharow export
 * (@outreach/pharow/sample: French headers, accents, 4 people per company, every 50th row bad)
 * uploaded to the built api (multipart, streamed into staging with COPY), then validated and
 * merged by the built worker; timed until the import reads `completed`. Beside it, in the same
 * run, a raw server-side `COPY … FROM '<file>' (FORMAT csv)` of the same file into a bare table
 * (one text column per line): the floor no import can beat.
 *
 *   pnpm exec turbo run build --filter=@outreach/api --filter=@outreach/worker
 *   pnpm --filter @outreach/api bench:import        BENCH_IMPORT_ROWS (100000) resizes it
 *
 * A throw-away PostgreSQL 18 and Redis (devstack), migrated by the project's Migrator; the apps
 * log in as outreach_app_user (row-level security applies). Target: the whole import of 100,000
 * rows in under 10 s on this machine. Printed, not asserted.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDataSource } from '@outreach/db';
import { Migrator } from '@outreach/db/migrator';
import { seedOrganisation } from '@outreach/db/testing';
import { PostgresServer, RedisServer, freePort } from '@outreach/devstack';
import { generatePharowCsv } from '@outreach/pharow/sample';
import { mintDevToken } from '@outreach/tenancy/http';
import { ChildServer } from './child-server.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? '100000');
const TARGET_SECONDS = 10;
const DATABASE = 'bench';
const APP_USER = { name: 'outreach_app_user', password: 'outreach_app_user' };
const JWT_SECRET = 'import-bench-jwt-secret-0123456789abcdef';
const API_MAIN = fileURLToPath(new URL('../../main.js', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../../../worker/dist/main.js', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const step of cleanups.reverse()) {
    await step().catch((error: unknown) => {
      console.error('clean-up step failed:', error);
    });
  }
}

interface ImportAnswer {
  id: string;
  status: string;
  rows: { total: number; validated: number; merged: number; rejected: number };
  companies: { created: number };
  people: { created: number };
  positions: { created: number };
  percentage: number;
}

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'api-import-bench-'));
  chmodSync(root, 0o755);
  cleanups.push(() => {
    rmSync(root, { recursive: true, force: true });
    return Promise.resolve();
  });

  const postgres = new PostgresServer({
    dataDir: join(root, 'pgdata'),
    port: await freePort(),
    settings: { max_connections: 100, synchronous_commit: 'off' },
  });
  cleanups.push(() => postgres.stop());
  await postgres.start();
  await postgres.query(`CREATE DATABASE ${DATABASE}`);
  const superuserUrl = postgres.url(DATABASE);
  const migrator = new Migrator({ databaseUrl: superuserUrl });
  try {
    await migrator.migrate();
  } finally {
    await migrator.close();
  }
  await postgres.query(`CREATE ROLE ${APP_USER.name} LOGIN PASSWORD '${APP_USER.password}'`);
  await postgres.query(`GRANT outreach_app TO ${APP_USER.name}`);
  const appUrl = `postgres://${APP_USER.name}:${APP_USER.password}@127.0.0.1:${String(postgres.port)}/${DATABASE}`;

  const seeding = createDataSource({ url: appUrl, applicationName: 'import-bench-seed' });
  await seeding.initialize();
  const fixture = await seedOrganisation(seeding, { name: 'Bench Import' });
  await seeding.destroy();

  const redis = new RedisServer({ port: await freePort(), dir: root });
  cleanups.push(() => redis.stop());
  await redis.start();

  const csv = generatePharowCsv({ rows: ROWS, seed: 7, badEvery: 50 });
  const file = join(root, 'pharow-export.csv');
  writeFileSync(file, csv);
  chmodSync(file, 0o644);
  const bytes = Buffer.byteLength(csv);

  const common = {
    DATABASE_URL: appUrl,
    REDIS_URL: redis.url,
    AUTH_JWT_SECRET: JWT_SECRET,
    CURSOR_SECRET: 'import-bench-cursor-secret',
    MAILBOX_SECRET_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
  };
  const apiPort = await freePort();
  const api = new ChildServer('api', API_MAIN, { ...common, PORT: String(apiPort) });
  const workerPort = await freePort();
  const worker = new ChildServer('worker', WORKER_MAIN, { ...common, PORT: String(workerPort) });
  for (const [server, port] of [
    [api, apiPort],
    [worker, workerPort],
  ] as const) {
    cleanups.push(() => server.stop());
    server.start();
    await server.waitReady(`http://127.0.0.1:${String(port)}/health/ready`);
  }
  const token = await mintDevToken({
    secret: JWT_SECRET,
    email: fixture.owner.email,
    expiresInSeconds: 3600,
  });
  const base = `http://127.0.0.1:${String(apiPort)}/organisations/${fixture.organisationId}/imports`;

  // The floor: PostgreSQL reading the same file itself into a bare table, no checks at all.
  const superuser = new pg.Client({ connectionString: superuserUrl });
  await superuser.connect();
  cleanups.push(() => superuser.end());
  // One text column per line (FORMAT text with a separator the file never holds): the file's
  // rows with a wrong cell count go in too.
  await superuser.query('CREATE TABLE bare_import (line text)');
  const copyStarted = performance.now();
  await superuser.query(`COPY bare_import FROM '${file}' WITH (FORMAT text, DELIMITER E'\\x01')`);
  const copySeconds = (performance.now() - copyStarted) / 1000;

  const started = performance.now();
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'pharow-export.csv');
  const response = await fetch(base, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const uploaded = (await response.json()) as ImportAnswer;
  const uploadSeconds = (performance.now() - started) / 1000;
  if (response.status !== 202) {
    console.error('upload refused:', uploaded);
    return 1;
  }
  let last: ImportAnswer;
  let validatedAt: number | null = null;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const progress = await fetch(`${base}/${uploaded.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    last = (await progress.json()) as ImportAnswer;
    if (validatedAt === null && last.rows.validated === last.rows.total) {
      validatedAt = performance.now();
    }
    if (last.status === 'completed' || last.status === 'failed') break;
    if (performance.now() - started > 300_000) break;
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const validatedSeconds = validatedAt === null ? NaN : (validatedAt - started) / 1000;
  const rate = (seconds: number): string =>
    `${Math.round(ROWS / seconds).toLocaleString('en')} rows/s`;

  console.log(
    `${ROWS.toLocaleString('en')} rows, ${(bytes / 1_048_576).toFixed(1)} MB; PostgreSQL 18 direct, ` +
      `api and worker as outreach_app_user (RLS); status ${last.status}`,
  );
  console.table([
    {
      step: 'raw COPY (server-side file, bare table)',
      seconds: copySeconds.toFixed(2),
      rate: rate(copySeconds),
    },
    {
      step: 'upload (HTTP → staging COPY, 202)',
      seconds: uploadSeconds.toFixed(2),
      rate: rate(uploadSeconds),
    },
    {
      step: 'upload + validation',
      seconds: validatedSeconds.toFixed(2),
      rate: rate(validatedSeconds),
    },
    {
      step: 'upload + validation + merge',
      seconds: totalSeconds.toFixed(2),
      rate: rate(totalSeconds),
    },
  ]);
  console.log(
    `rows: ${JSON.stringify(last.rows)}; created: ${String(last.companies.created)} companies, ` +
      `${String(last.people.created)} people, ${String(last.positions.created)} positions`,
  );
  console.log(
    `target: the whole import in < ${String(TARGET_SECONDS)} s → ${totalSeconds.toFixed(2)} s ` +
      `(${totalSeconds < TARGET_SECONDS ? 'met' : 'NOT met'}); ${(totalSeconds / copySeconds).toFixed(1)}× the raw COPY`,
  );
  return last.status === 'completed' ? 0 : 1;
}

main()
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(error);
    await cleanUp();
    process.exit(1);
  });
