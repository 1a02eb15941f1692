import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { integer, oneOf, parsed, port, text, url } from './env-fields.js';
import { MISSING_REDIS, parseRedisClusterNodes, type RedisTarget } from './redis-target.js';
import type { ServiceConfig } from './service-config.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const NODE_ENVS = ['development', 'production', 'test'] as const;

/**
 * The variables every service reads. An app spreads this shape into its own `z.object`,
 * adds its own variables, and maps the result with `toServiceConfig`.
 */
export function serviceEnvShape(defaultPort: number) {
  return {
    NODE_ENV: oneOf(NODE_ENVS, 'development'),
    LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
    HOST: text('0.0.0.0'),
    PORT: port(defaultPort),
    DATABASE_URL: url(['postgres:', 'postgresql:']),
    // One of the two: a single Redis, or the startup nodes of a Redis Cluster.
    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    REDIS_CLUSTER_NODES: parsed(parseRedisClusterNodes).optional(),
    DB_POOL_SIZE: integer(1, 100, 10),
    DB_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000, 30_000),
    HEALTH_CHECK_TIMEOUT_MS: integer(50, 60_000, 1_000),
    SHUTDOWN_TIMEOUT_MS: integer(100, 600_000, 10_000),
  };
}

type ServiceEnvShape = ReturnType<typeof serviceEnvShape>;
export type ServiceEnv = z.output<z.ZodObject<ServiceEnvShape>>;

/**
 * The common variables as a ServiceConfig. Throws ConfigError when neither or both of REDIS_URL
 * and REDIS_CLUSTER_NODES are set (a rule across two variables, so it is checked here, where
 * every app's schema passes).
 */
export function toServiceConfig(env: ServiceEnv): ServiceConfig {
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    redis: redisTarget(env.REDIS_URL, env.REDIS_CLUSTER_NODES),
    dbPoolSize: env.DB_POOL_SIZE,
    dbStatementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    healthCheckTimeoutMs: env.HEALTH_CHECK_TIMEOUT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}

/** Schema of a service that needs nothing beyond the common variables. */
export function serviceConfigSchema(defaultPort: number) {
  return z.object(serviceEnvShape(defaultPort)).transform(toServiceConfig);
}

function redisTarget(
  url: string | undefined,
  cluster: Extract<RedisTarget, { kind: 'cluster' }> | undefined,
): RedisTarget {
  if (url !== undefined && cluster !== undefined) {
    throw new ConfigError(
      'Invalid configuration: REDIS_URL, REDIS_CLUSTER_NODES: set one of them, not both (REDIS_URL for one Redis, REDIS_CLUSTER_NODES for a Redis Cluster)',
    );
  }
  if (cluster !== undefined) return cluster;
  if (url === undefined) {
    throw new ConfigError(`Invalid configuration: REDIS_URL: ${MISSING_REDIS}`);
  }
  return { kind: 'single', url };
}
