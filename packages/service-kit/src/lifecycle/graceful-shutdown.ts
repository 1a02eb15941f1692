import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * SIGTERM/SIGINT close the app (Nest shutdown hooks: readiness goes 503, servers stop
 * accepting, pools and queues close). If closing takes longer than `timeoutMs`, the
 * process exits with code 1 instead of hanging.
 */
export function enableGracefulShutdown(
  app: INestApplicationContext,
  logger: Logger,
  timeoutMs: number,
): void {
  app.enableShutdownHooks([...SIGNALS]);
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      logger.info({ signal, timeoutMs }, 'shutting down');
      setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown timed out: exiting');
        logger.flush();
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
}

/** Start-up failed: one line on stderr saying what is wrong, exit code 1. */
export function exitOnStartupError(service: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${service}: ${message}\n`);
  process.exit(1);
}
