import type { ConnectionOptions } from 'bullmq';

/** The Redis key prefix of every queue (`outreach:<queue>:…`): producers and workers share it. */
export const QUEUE_PREFIX = 'outreach';

/**
 * BullMQ connection options from REDIS_URL (`redis://[user:password@]host:port[/db]`,
 * `rediss://` for TLS). Blocking worker connections need `maxRetriesPerRequest: null`;
 * reconnection backs off up to 5 s.
 */
export function redisConnectionOptions(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`expected a redis:// or rediss:// URL, got ${url.protocol}`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new TypeError(`expected a database number in the Redis URL path, got ${url.pathname}`);
  }
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db,
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(attempt * 500, 5_000),
  };
}
