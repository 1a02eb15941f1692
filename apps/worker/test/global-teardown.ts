import { stopTestServices } from '@outreach/testing';

export default async function globalTeardown(): Promise<void> {
  await stopTestServices();
}
