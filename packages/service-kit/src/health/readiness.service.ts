import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import type { Cluster, Redis } from 'ioredis';
import type pg from 'pg';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/service-config.js';
import { HEALTH_PG_POOL, HEALTH_REDIS } from './health.tokens.js';
import { ShutdownState } from './shutdown-state.service.js';

/**
 * Liveness: the process answers. Readiness: PostgreSQL answers `SELECT 1` and Redis answers
 * `PING`, each within HEALTH_CHECK_TIMEOUT_MS, and the app is not shutting down.
 * `ready()` throws a ServiceUnavailableException (503) whose body lists each check.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
    @Inject(HEALTH_PG_POOL) private readonly pool: pg.Pool,
    @Inject(HEALTH_REDIS) private readonly redis: Redis | Cluster,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  ready(): Promise<HealthCheckResult> {
    const timeout = this.config.healthCheckTimeoutMs;
    return this.health.check([
      () =>
        this.indicators.check('lifecycle').attempt(() => {
          if (this.shutdown.shuttingDown) throw new Error('shutting down');
        }),
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.pool.query('SELECT 1');
          })
          .withTimeout(timeout),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            if (this.redis.status === 'wait') await this.redis.connect();
            await this.redis.ping();
          })
          .withTimeout(timeout),
    ]);
  }
}

/** Status code and body of a health answer, for servers that are not Nest HTTP apps. */
export async function healthAnswer(
  check: () => Promise<HealthCheckResult>,
): Promise<{ statusCode: number; body: unknown }> {
  try {
    return { statusCode: 200, body: await check() };
  } catch (error) {
    if (error instanceof ServiceUnavailableException) {
      return { statusCode: 503, body: error.getResponse() };
    }
    throw error;
  }
}
