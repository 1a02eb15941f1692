import { pino, type DestinationStream, type Logger } from 'pino';

export interface LoggerOptions {
  /** Service name, written as `service` on every line. */
  service: string;
  level: string;
  /** Defaults to stdout. */
  destination?: DestinationStream;
}

/** The process' root pino logger: one JSON object per line, ISO timestamps, level names. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
