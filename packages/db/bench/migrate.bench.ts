/**
 * Times the migration runner on a real PostgreSQL 18: migrate of the repository migrations from
 * an empty database (target < 2 s) and info on the migrated database.
 * Run: pnpm --filter @outreach/db bench:migrate  (RUNS=N to change the number of runs)
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, PostgresServer } from '@outreach/devstack';
import { DEFAULT_MIGRATIONS_DIR, Migrator } from '../src/migrator/index.js';

const RUNS = Number(process.env.RUNS ?? 5);
const MIGRATE_TARGET_MS = 2000;

function summary(samples: number[]): { min: number; median: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? NaN,
    median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    max: sorted.at(-1) ?? NaN,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'migrate-bench-'));
  chmodSync(root, 0o755);
  // Production-like durability (fsync on): the number is what a real deploy sees.
  const server = new PostgresServer({ dataDir: join(root, 'pgdata'), port: await freePort() });
  await server.start();
  try {
    const migrateMs: number[] = [];
    const infoMs: number[] = [];
    let applied = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const database = `bench_${run}`;
      await server.query(`CREATE DATABASE ${database}`);
      const url = server.url(database);
      const migrator = new Migrator({ databaseUrl: url, locations: [DEFAULT_MIGRATIONS_DIR] });
      try {
        const [ms, result] = await timed(() => migrator.migrate());
        migrateMs.push(ms);
        applied = result.migrationsExecuted;
      } finally {
        await migrator.close();
      }
      // info as `pnpm db info` does it: a fresh connection, the files read and hashed, the history read.
      const reader = new Migrator({ databaseUrl: url, locations: [DEFAULT_MIGRATIONS_DIR] });
      try {
        const [ms] = await timed(() => reader.info());
        infoMs.push(ms);
      } finally {
        await reader.close();
      }
    }
    const m = summary(migrateMs);
    const i = summary(infoMs);
    const verdict = m.median < MIGRATE_TARGET_MS ? 'OK' : 'OVER TARGET';
    const version = (await server.query('SHOW server_version')).rows[0] as {
      server_version: string;
    };
    console.log(`PostgreSQL ${version.server_version}, ${RUNS} runs, ${applied} migrations`);
    console.log(
      `migrate from empty: min ${m.min.toFixed(0)} ms, median ${m.median.toFixed(0)} ms, max ${m.max.toFixed(0)} ms (target < ${MIGRATE_TARGET_MS} ms: ${verdict})`,
    );
    console.log(
      `info on migrated:   min ${i.min.toFixed(1)} ms, median ${i.median.toFixed(1)} ms, max ${i.max.toFixed(1)} ms (connect + read files + read history)`,
    );
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
