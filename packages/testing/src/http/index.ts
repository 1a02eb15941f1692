export {
  HttpServiceHarness,
  silentLog,
  testServiceEnv,
  getHealth,
} from './http-service.harness.js';
export type { HealthBody } from './http-service.harness.js';
