import type { RedisTarget } from './redis-target.js';
import type { LOG_LEVELS, NODE_ENVS } from './service-env.schema.js';

/** Settings every service has; an app's config type extends this. */
export interface ServiceConfig {
  nodeEnv: (typeof NODE_ENVS)[number];
  logLevel: (typeof LOG_LEVELS)[number];
  /** Interface the HTTP server binds to. */
  host: string;
  /** HTTP port (api 3000, tracker 3001, worker health 3002). */
  port: number;
  /** App traffic: through pgBouncer (transaction mode) in the stack. */
  databaseUrl: string;
  /** REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster): queues and readiness. */
  redis: RedisTarget;
  /** Client connections per pool in this process. */
  dbPoolSize: number;
  dbStatementTimeoutMs: number;
  /** Each readiness check (PostgreSQL, Redis) is down after this long. */
  healthCheckTimeoutMs: number;
  /** A SIGTERM that has not finished closing after this long exits with code 1. */
  shutdownTimeoutMs: number;
}

/** Injection token of the app's validated config object (a `ServiceConfig` or an extension). */
export const SERVICE_CONFIG = Symbol.for('outreach.serviceConfig');
