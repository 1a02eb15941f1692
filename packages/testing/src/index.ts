export {
  startTestServices,
  stopTestServices,
  createTestDatabase,
  testRedisUrl,
  testAdminUrl,
  TEST_ENV,
  TEMPLATE_DATABASE,
  TEST_APP_USER,
} from './test-services.js';
export type { TestServicesOptions, TestDatabase } from './test-services.js';
