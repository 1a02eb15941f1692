export { ConfigError } from './config.error.js';
export { parseConfig } from './parse-config.js';
export type { Environment } from './parse-config.js';
export { integer, port, url, oneOf, text, parsed } from './env-fields.js';
export {
  serviceEnvShape,
  serviceConfigSchema,
  toServiceConfig,
  LOG_LEVELS,
  NODE_ENVS,
} from './service-env.schema.js';
export type { ServiceEnv } from './service-env.schema.js';
export { parseRedisClusterNodes } from './redis-target.js';
export type { RedisNode, RedisTarget } from './redis-target.js';
export { SERVICE_CONFIG } from './service-config.js';
export type { ServiceConfig } from './service-config.js';
export { ServiceConfigModule } from './service-config.module.js';
