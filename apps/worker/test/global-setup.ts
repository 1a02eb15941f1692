import { Migrator } from '@outreach/db/migrator';
import { startTestServices } from '@outreach/testing';

export default async function globalSetup(): Promise<void> {
  await startTestServices({
    redis: true,
    prepareTemplate: async (databaseUrl) => {
      const migrator = new Migrator({ databaseUrl });
      try {
        await migrator.migrate();
      } finally {
        await migrator.close();
      }
    },
  });
}
