export { ServiceHealthModule } from './service-health.module.js';
export type { ServiceHealthOptions } from './service-health.module.js';
export { ReadinessService, healthAnswer } from './readiness.service.js';
export { ShutdownState } from './shutdown-state.service.js';
export { HEALTH_PG_POOL, HEALTH_REDIS } from './health.tokens.js';
