import 'reflect-metadata';
import { enableGracefulShutdown, exitOnStartupError } from '@outreach/service-kit/lifecycle';
import { HealthHttpServer } from './health/health-http.server.js';
import { createWorker } from './worker.factory.js';

// The only place the worker reads the environment.
try {
  const { app, config, logger } = await createWorker(process.env);
  enableGracefulShutdown(app, logger, config.shutdownTimeoutMs);
  logger.info({ health: app.get(HealthHttpServer).url }, 'worker started');
} catch (error) {
  exitOnStartupError('worker', error);
}
