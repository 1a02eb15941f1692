import { migrateDatabase } from '@outreach/db/migrator';
import { startTestServices } from '@outreach/testing';

/** One PostgreSQL 18 + Redis per run; the template database gets the real migrations. */
export default async function globalSetup(): Promise<void> {
  await startTestServices({
    redis: true,
    prepareTemplate: async (databaseUrl) => {
      await migrateDatabase(databaseUrl);
    },
  });
}
