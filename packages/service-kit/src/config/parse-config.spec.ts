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
      redis: { kind: 'single', url: valid.REDIS_URL },
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

  it('takes a Redis Cluster from REDIS_CLUSTER_NODES instead of REDIS_URL', () => {
    const { REDIS_URL: _single, ...withoutUrl } = valid;
    expect(
      parseConfig(schema, { ...withoutUrl, REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-b:7001 ' })
        .redis,
    ).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
      ],
      tls: false,
    });
    expect(
      parseConfig(schema, {
        ...withoutUrl,
        REDIS_CLUSTER_NODES: 'rediss://:s%40cret@a:6380,rediss://:s%40cret@b:6380',
      }).redis,
    ).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 6380 },
        { host: 'b', port: 6380 },
      ],
      tls: true,
      password: 's@cret',
    });
  });

  it('refuses both Redis variables, neither, and cluster nodes that are not host:port', () => {
    expect(() => parseConfig(schema, { ...valid, REDIS_CLUSTER_NODES: 'a:7000' })).toThrow(
      'Invalid configuration: REDIS_URL, REDIS_CLUSTER_NODES: set one of them, not both',
    );
    const { REDIS_URL: _single, ...withoutUrl } = valid;
    expect(() => parseConfig(schema, withoutUrl)).toThrow(
      new ConfigError(
        'Invalid configuration: REDIS_URL: required (or REDIS_CLUSTER_NODES=host:port,host:port,… for a Redis Cluster)',
      ),
    );
    // With other variables wrong too, the one message still names the missing Redis.
    expect(() => parseConfig(schema, { PORT: '0' })).toThrow(
      'Invalid configuration: PORT: expected a number between 1 and 65535; DATABASE_URL: required; REDIS_URL: required (or REDIS_CLUSTER_NODES',
    );
    for (const [value, message] of [
      ['a', '"a" is not host:port'],
      ['a:7000,b', '"b" is not host:port'],
      ['a:7000/1', '"a:7000/1": a cluster has no database number'],
      ['http://a:7000', '"http://a:7000": expected host:port, redis:// or rediss://'],
      [
        'redis://:x@a:7000,redis://:y@b:7000',
        'every URL entry must use the same scheme, username and password',
      ],
      [' , ', 'expected host:port entries separated by commas'],
    ]) {
      expect(() =>
        parseConfig(schema, { ...withoutUrl, REDIS_CLUSTER_NODES: value ?? '' }),
      ).toThrow(`Invalid configuration: REDIS_CLUSTER_NODES: ${message ?? ''}`);
    }
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
