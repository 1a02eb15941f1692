import { ConfigError } from './config.error.js';
import { parseConfig } from './parse-config.js';
import { serviceConfigSchema } from './service-env.schema.js';

const schema = serviceConfigSchema(3000);
const valid = {
  DATABASE_URL: 'postgres://app:secret@127.0.0.1:6432/outreach',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('parseConfig', () => {
  it('maps a valid environment to a typed object with defaults', () => {
    expect(parseConfig(schema, valid)).toEqual({
      nodeEnv: 'development',
      logLevel: 'info',
      host: '0.0.0.0',
      port: 3000,
      databaseUrl: valid.DATABASE_URL,
      redisUrl: valid.REDIS_URL,
      dbPoolSize: 10,
      dbStatementTimeoutMs: 30_000,
      healthCheckTimeoutMs: 1_000,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads numbers and words given as strings', () => {
    const config = parseConfig(schema, {
      ...valid,
      PORT: '8080',
      DB_POOL_SIZE: '4',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      port: 8080,
      dbPoolSize: 4,
      logLevel: 'debug',
      nodeEnv: 'production',
    });
  });

  it('names every bad variable in one message', () => {
    expect(() => parseConfig(schema, { REDIS_URL: valid.REDIS_URL, PORT: '70000' })).toThrow(
      new ConfigError(
        'Invalid configuration: PORT: expected a number between 1 and 65535; DATABASE_URL: required',
      ),
    );
  });

  it('treats an empty value as missing', () => {
    expect(() => parseConfig(schema, { ...valid, REDIS_URL: '' })).toThrow(
      'Invalid configuration: REDIS_URL: required',
    );
  });

  it('refuses a URL of the wrong kind, a non-number and an unknown level', () => {
    expect(() =>
      parseConfig(schema, {
        ...valid,
        DATABASE_URL: 'mysql://localhost/x',
        DB_POOL_SIZE: 'ten',
        LOG_LEVEL: 'loud',
      }),
    ).toThrow(
      'Invalid configuration: LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent; ' +
        'DATABASE_URL: expected a URL starting with postgres:// or postgresql://; ' +
        'DB_POOL_SIZE: expected a number between 1 and 100',
    );
  });
});
