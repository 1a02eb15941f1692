import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startTestServices } from '@outreach/testing';

const MIGRATIONS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../infra/postgres/db/migrations',
);

/**
 * Applies the versioned migrations in order (file name order = version order for these names).
 * Not the Migrator: jest loads global setup as CommonJS, which cannot import the ESM sources,
 * and the package's own dist is not built before its tests.
 */
async function applyMigrations(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((name) => /^V.+\.sql$/.test(name))
      .sort();
    for (const file of files) {
      await client.query(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
    }
  } finally {
    await client.end();
  }
}

export default async function globalSetup(): Promise<void> {
  await startTestServices({ prepareTemplate: applyMigrations });
}
