import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import type { z } from 'zod';
import { parseConfig, type Environment } from '../config/parse-config.js';
import type { ServiceConfig } from '../config/service-config.js';
import { enableGracefulShutdown, exitOnStartupError } from '../lifecycle/graceful-shutdown.js';
import { createLogger } from '../logging/create-logger.js';
import { nestAppOptions } from '../logging/nest-app-options.js';

type FastifyOptions = Omit<FastifyServerOptions, 'logger' | 'loggerInstance'>;

/** What makes a Nest HTTP service (api, tracker): its name, config schema and root module. */
export interface HttpServiceDefinition<C extends ServiceConfig> {
  service: string;
  schema: z.ZodType<C, Environment>;
  module: (config: C) => DynamicModule;
  /**
   * Extra Fastify server options (e.g. `maxParamLength`, `frameworkErrors`), or a function of the
   * validated config when they depend on it (e.g. `trustProxy`).
   */
  fastify?: FastifyOptions | ((config: C) => FastifyOptions);
  /** Runs on the created app before it listens (e.g. the api's OpenAPI document at /docs). */
  configure?: (app: NestFastifyApplication, config: C) => void | Promise<void>;
}

export interface CreatedHttpApp<C extends ServiceConfig> {
  app: NestFastifyApplication;
  config: C;
  logger: Logger;
}

/**
 * Validates the environment (throws ConfigError naming every bad variable), then creates the
 * Nest app on Fastify with pino JSON logging (framework messages and one line per request).
 * Nothing has connected yet when the config is refused.
 */
export async function createHttpApp<C extends ServiceConfig>(
  definition: HttpServiceDefinition<C>,
  env: Environment,
  options: { logDestination?: DestinationStream } = {},
): Promise<CreatedHttpApp<C>> {
  const config = parseConfig(definition.schema, env);
  const logger = createLogger({
    service: definition.service,
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const fastifyOptions =
    typeof definition.fastify === 'function' ? definition.fastify(config) : definition.fastify;
  const adapter = new FastifyAdapter({
    ...fastifyOptions,
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    definition.module(config),
    adapter,
    nestAppOptions(logger),
  );
  await definition.configure?.(app, config);
  return { app, config, logger };
}

/** `main.ts` of an HTTP service: create, listen on HOST:PORT, close gracefully on SIGTERM. */
export async function runHttpService<C extends ServiceConfig>(
  definition: HttpServiceDefinition<C>,
  env: Environment,
): Promise<void> {
  try {
    const { app, config, logger } = await createHttpApp(definition, env);
    enableGracefulShutdown(app, logger, config.shutdownTimeoutMs);
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await app.close();
      throw portError(error, config.port);
    }
    logger.info({ url: await app.getUrl() }, `${definition.service} listening`);
  } catch (error) {
    exitOnStartupError(definition.service, error);
  }
}

/** EADDRINUSE as a sentence that says what to do. */
export function portError(error: unknown, port: number): unknown {
  if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new Error(`port ${port} is already in use: stop what listens there or set PORT`);
  }
  return error;
}
