export { createPgPool } from './pg-pool.js';
export type { PgPoolOptions } from './pg-pool.js';
export { createRedisClient } from './redis-client.js';
