import type { NestApplicationOptions } from '@nestjs/common';
import type { Logger } from 'pino';
import { PinoLoggerService } from './pino-logger.service.js';

/**
 * Options for NestFactory.create / createApplicationContext: Nest logs through pino, and a
 * failing start-up rejects (so the caller prints one line and exits) instead of aborting.
 */
export function nestAppOptions(logger: Logger): NestApplicationOptions {
  // NestApplicationContextOptions is declared as a class but only ever used as a shape.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = {
    logger: new PinoLoggerService(logger),
    abortOnError: false,
  };
  return options;
}
