import { Migrator } from '@outreach/db/migrator';
import type { PostgresServer } from '@outreach/devstack';

/** The database every api bench creates on its throw-away server. */
export const BENCH_DATABASE = 'bench';
/** As the test harness does (@outreach/testing): the apps' login, a member of outreach_app. */
export const BENCH_APP_USER = { name: 'outreach_app_user', password: 'outreach_app_user' };

/**
 * On a started server: the bench database migrated by the project's Migrator and the apps'
 * login. Returns the superuser's URL of that database and the apps' (row-level security on).
 */
export async function prepareBenchDatabase(
  postgres: PostgresServer,
): Promise<{ superuserUrl: string; appUrl: string }> {
  await postgres.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  const superuserUrl = postgres.url(BENCH_DATABASE);
  const migrator = new Migrator({ databaseUrl: superuserUrl });
  try {
    await migrator.migrate();
  } finally {
    await migrator.close();
  }
  const { name, password } = BENCH_APP_USER;
  await postgres.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
  await postgres.query(`GRANT outreach_app TO ${name}`);
  const appUrl = `postgres://${name}:${password}@127.0.0.1:${String(postgres.port)}/${BENCH_DATABASE}`;
  return { superuserUrl, appUrl };
}
