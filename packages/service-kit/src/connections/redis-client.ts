import { Cluster, Redis } from 'ioredis';
import type { RedisTarget } from '../config/redis-target.js';

/**
 * A Redis client for checks and light commands: it fails fast while Redis is away (no
 * offline queue, one retry per command) and keeps reconnecting in the background, so a
 * readiness check recovers on its own when Redis returns. For a Redis Cluster
 * (`RedisTarget` of kind `cluster`), an ioredis Cluster with the same behaviour per node.
 */
export function createRedisClient(
  target: string | RedisTarget,
  connectionName: string,
  connectTimeoutMs: number,
): Redis | Cluster {
  const nodeOptions = {
    connectionName,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
  };
  const resolved: RedisTarget =
    typeof target === 'string' ? { kind: 'single', url: target } : target;
  const client =
    resolved.kind === 'single'
      ? new Redis(resolved.url, { ...nodeOptions, lazyConnect: true, enableOfflineQueue: false })
      : new Cluster(resolved.nodes, {
          lazyConnect: true,
          enableOfflineQueue: false,
          clusterRetryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
          redisOptions: {
            ...nodeOptions,
            ...(resolved.username === undefined ? {} : { username: resolved.username }),
            ...(resolved.password === undefined ? {} : { password: resolved.password }),
            ...(resolved.tls ? { tls: {} } : {}),
          },
        });
  // Connection errors surface through the readiness check; without a listener they would crash.
  client.on('error', () => undefined);
  return client;
}
