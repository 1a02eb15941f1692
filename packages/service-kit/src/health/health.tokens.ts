/** The pg pool the readiness check uses (replaceable by the app's DataSource pool). */
export const HEALTH_PG_POOL = Symbol.for('outreach.health.pgPool');
/** The ioredis client the readiness check uses. */
export const HEALTH_REDIS = Symbol.for('outreach.health.redis');
