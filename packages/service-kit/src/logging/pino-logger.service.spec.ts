import { createLogger } from './create-logger.js';
import { PinoLoggerService } from './pino-logger.service.js';

function capture(): { lines: Record<string, unknown>[]; service: PinoLoggerService } {
  const lines: Record<string, unknown>[] = [];
  const destination = {
    write(line: string): void {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  const logger = createLogger({ service: 'test', level: 'trace', destination });
  return { lines, service: new PinoLoggerService(logger) };
}

describe('PinoLoggerService', () => {
  it('writes Nest messages as JSON with level name, service and context', () => {
    const { lines, service } = capture();
    service.log('Nest application successfully started', 'NestApplication');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'test',
      context: 'NestApplication',
      msg: 'Nest application successfully started',
    });
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('keeps the stack Nest passes with an error', () => {
    const { lines, service } = capture();
    service.error('boom', 'Error: boom\n    at somewhere', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'boom',
      context: 'ExceptionsHandler',
      stack: 'Error: boom\n    at somewhere',
    });
  });

  it('maps verbose to trace and respects the level', () => {
    const lines: unknown[] = [];
    const logger = createLogger({
      service: 'test',
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    const service = new PinoLoggerService(logger);
    service.verbose('hidden');
    service.debug('hidden');
    service.warn({ detail: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(String(lines[0]))).toMatchObject({ level: 'warn', data: { detail: 1 } });
  });
});
