import Module from 'node:module';
import { startTestServices } from '@outreach/testing';

type ResolveFilename = (request: string, parent: unknown, ...rest: unknown[]) => string;
type ModuleInternals = { _resolveFilename: ResolveFilename };

/**
 * Loads the project's Migrator from source. Jest runs global setup as CommonJS through its
 * transformer, without `moduleNameMapper`, so the sources' ESM-style `./x.js` specifiers do not
 * resolve to `./x.ts`; for the duration of this one import, a relative `.js` request that does
 * not exist is retried as `.ts` (the same rule the jest preset's moduleNameMapper applies).
 * Source rather than dist: the tests must exercise the runner as it is in this checkout.
 */
async function loadMigrator(): Promise<typeof import('../src/migrator/index.js')> {
  const internals = Module as unknown as ModuleInternals;
  const original = internals._resolveFilename;
  internals._resolveFilename = function resolveTsSource(request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (error) {
      if (!/^\.{1,2}\/.*\.js$/.test(request)) throw error;
      return original.call(this, request.replace(/\.js$/, '.ts'), parent, ...rest);
    }
  };
  try {
    return await import('../src/migrator/index.js');
  } finally {
    internals._resolveFilename = original;
  }
}

/**
 * One PostgreSQL 18 per run; the template database is migrated by the project's own runner,
 * as every other package's template is (through `@outreach/db/migrator`), so it carries
 * `flyway_schema_history` like any database the runner or Flyway migrated.
 */
export default async function globalSetup(): Promise<void> {
  const { migrateDatabase } = await loadMigrator();
  await startTestServices({
    prepareTemplate: async (databaseUrl) => {
      await migrateDatabase(databaseUrl);
    },
  });
}
