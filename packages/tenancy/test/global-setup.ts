import { migrateDatabase } from '@outreach/db/migrator';
import { startTestServices } from '@outreach/testing';

export default async function globalSetup(): Promise<void> {
  await startTestServices({
    prepareTemplate: async (databaseUrl) => {
      await migrateDatabase(databaseUrl);
    },
  });
}
