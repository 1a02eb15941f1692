import { redisConnectionOptions } from './redis-connection.js';

describe('redisConnectionOptions', () => {
  it('reads host, port, credentials and database from REDIS_URL', () => {
    expect(redisConnectionOptions('redis://user:p%40ss@cache.internal:6380/2')).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
      maxRetriesPerRequest: null,
    });
  });

  it('defaults to port 6379 and database 0, and turns on TLS for rediss://', () => {
    const options = redisConnectionOptions('rediss://cache.internal');
    expect(options).toMatchObject({ port: 6379, db: 0, tls: {} });
    expect(redisConnectionOptions('redis://127.0.0.1')).not.toHaveProperty('tls');
  });

  it('refuses a URL that is not Redis, or a database that is not a number', () => {
    expect(() => redisConnectionOptions('http://cache.internal')).toThrow(
      'expected a redis:// or rediss:// URL, got http:',
    );
    expect(() => redisConnectionOptions('redis://cache.internal/main')).toThrow(
      'expected a database number in the Redis URL path, got /main',
    );
  });
});
