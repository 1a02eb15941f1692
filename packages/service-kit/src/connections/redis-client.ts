import { Redis } from 'ioredis';

/**
 * A Redis client for checks and light commands: it fails fast while Redis is away (no
 * offline queue, one retry per command) and keeps reconnecting in the background, so a
 * readiness check recovers on its own when Redis returns.
 */
export function createRedisClient(
  url: string,
  connectionName: string,
  connectTimeoutMs: number,
): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName,
    connectTimeout: connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
  });
  // Connection errors surface through the readiness check; without a listener they would crash.
  client.on('error', () => undefined);
  return client;
}
