import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Cluster, Redis } from 'ioredis';
import type pg from 'pg';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/service-config.js';
import { createPgPool } from '../connections/pg-pool.js';
import { createRedisClient } from '../connections/redis-client.js';
import { HealthController } from './health.controller.js';
import { HEALTH_PG_POOL, HEALTH_REDIS } from './health.tokens.js';
import { ReadinessService } from './readiness.service.js';
import { ShutdownState } from './shutdown-state.service.js';

export interface ServiceHealthOptions {
  /** Service name (pg application_name, Redis client name). */
  service: string;
  /** Mount `HealthController` (`/health/live`, `/health/ready`): for Nest HTTP apps. */
  http: boolean;
}

/**
 * Liveness and readiness for one service. Needs `ServiceConfigModule` (global) imported.
 * Owns a small pg pool (2 connections) and a Redis client for the checks, closed on shutdown.
 */
@Module({})
export class ServiceHealthModule implements OnApplicationShutdown {
  constructor(
    @Inject(HEALTH_PG_POOL) private readonly pool: pg.Pool,
    @Inject(HEALTH_REDIS) private readonly redis: Redis | Cluster,
  ) {}

  static forRoot(options: ServiceHealthOptions): DynamicModule {
    return {
      module: ServiceHealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: options.http ? [HealthController] : [],
      providers: [
        ShutdownState,
        ReadinessService,
        {
          provide: HEALTH_PG_POOL,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) =>
            createPgPool({
              databaseUrl: config.databaseUrl,
              max: 2,
              queryTimeoutMs: config.healthCheckTimeoutMs,
              connectTimeoutMs: config.healthCheckTimeoutMs,
              applicationName: `${options.service}-health`,
            }),
        },
        {
          provide: HEALTH_REDIS,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) =>
            createRedisClient(
              config.redis,
              `${options.service}-health`,
              config.healthCheckTimeoutMs,
            ),
        },
      ],
      exports: [ReadinessService, ShutdownState],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    await this.pool.end();
  }
}
