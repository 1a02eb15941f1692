import { z } from 'zod';
import { integer, oneOf, port, text, url } from './env-fields.js';
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
    REDIS_URL: url(['redis:', 'rediss:']),
    DB_POOL_SIZE: integer(1, 100, 10),
    DB_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000, 30_000),
    HEALTH_CHECK_TIMEOUT_MS: integer(50, 60_000, 1_000),
    SHUTDOWN_TIMEOUT_MS: integer(100, 600_000, 10_000),
  };
}

type ServiceEnvShape = ReturnType<typeof serviceEnvShape>;
export type ServiceEnv = { [K in keyof ServiceEnvShape]: z.output<ServiceEnvShape[K]> };

export function toServiceConfig(env: ServiceEnv): ServiceConfig {
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
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
