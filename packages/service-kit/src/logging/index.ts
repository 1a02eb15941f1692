export { createLogger } from './create-logger.js';
export type { LoggerOptions } from './create-logger.js';
export { PinoLoggerService } from './pino-logger.service.js';
export { nestAppOptions } from './nest-app-options.js';
