import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseConfig, type Environment } from '@outreach/service-kit/config';
import { createLogger, nestAppOptions } from '@outreach/service-kit/logging';
import type { DestinationStream, Logger } from 'pino';
import { AppModule } from './app.module.js';
import { workerConfigSchema, type WorkerConfig } from './config/worker-config.schema.js';

export interface CreatedWorker {
  app: INestApplicationContext;
  config: WorkerConfig;
  logger: Logger;
}

/**
 * Validates the environment (throws ConfigError naming every bad variable), then starts the
 * worker as a Nest application context: the queues' WorkerHosts and the health server.
 */
export async function createWorker(
  env: Environment,
  options: { logDestination?: DestinationStream } = {},
): Promise<CreatedWorker> {
  const config = parseConfig(workerConfigSchema, env);
  const logger = createLogger({
    service: 'worker',
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config),
    nestAppOptions(logger),
  );
  return { app, config, logger };
}
