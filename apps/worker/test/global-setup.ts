import { startTestServices } from '@outreach/testing';

export default async function globalSetup(): Promise<void> {
  await startTestServices({ redis: true });
}
