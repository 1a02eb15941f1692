import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteConfig } from '@nestjs/platform-fastify';

interface BodyLimitConfig {
  bodyLimit?: unknown;
}

/**
 * A larger body limit for one route than the app's (1 MiB), e.g. an enrollment of 100,000
 * position ids. Takes effect through applyRouteBodyLimits.
 */
export function BodyLimit(bytes: number): MethodDecorator {
  return RouteConfig({ bodyLimit: bytes } satisfies BodyLimitConfig);
}

/** Copies `@BodyLimit` into each route's Fastify options; call before the app listens. */
export function applyRouteBodyLimits(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const config: unknown = route.config;
      const limit = (config as BodyLimitConfig | undefined)?.bodyLimit;
      if (typeof limit === 'number') route.bodyLimit = limit;
    });
}
