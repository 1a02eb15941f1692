import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';

/**
 * The Redis key prefix of every queue (`{outreach}:<queue>:…`): producers and workers share it.
 * The braces are a Redis Cluster hash tag: only `outreach` is hashed, so every key of every
 * queue lands in one slot, as BullMQ's Lua scripts (which touch many keys of a queue at once)
 * require on a cluster. On a single Redis the braces are just characters.
 */
export const QUEUE_PREFIX = '{outreach}';

/** The prefix before the hash tag: keys under it are no longer read (the README says how to move). */
export const LEGACY_QUEUE_PREFIX = 'outreach';

/** One node of a Redis Cluster. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where the queues live (the apps' config: REDIS_URL or REDIS_CLUSTER_NODES); the same shape as
 * `RedisTarget` of `@outreach/service-kit/config`.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string; tls: boolean };

/** A BullMQ connection and how to release it once every Queue and Worker on it is closed. */
export interface QueueConnection {
  connection: ConnectionOptions;
  /** Quits the shared cluster client (nothing for a single Redis: BullMQ owns those). */
  close(): Promise<void>;
}

/**
 * BullMQ's connection for a target. A single Redis: connection options (each Queue and Worker
 * opens its own). A cluster: one ioredis `Cluster`, shared by the Queues and duplicated by
 * BullMQ for each Worker's blocking connections; `maxRetriesPerRequest: null` on every node
 * (BullMQ refuses a blocking connection without it), the ready check on (the client waits
 * for `cluster_state:ok` after a failover), slots refreshed on MOVED. The caller closes it.
 */
export function queueConnection(target: RedisTarget): QueueConnection {
  if (target.kind === 'single') {
    return { connection: redisConnectionOptions(target.url), close: () => Promise.resolve() };
  }
  const cluster = new Cluster(target.nodes, {
    enableReadyCheck: true,
    clusterRetryStrategy: (attempt: number) => Math.min(attempt * 500, 5_000),
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2_000,
    redisOptions: {
      maxRetriesPerRequest: null,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
      ...(target.tls ? { tls: {} } : {}),
    },
  });
  // Errors surface as failed commands (retried by BullMQ); without a listener they would crash.
  cluster.on('error', () => undefined);
  return {
    connection: cluster,
    close: async () => {
      await cluster.quit().catch(() => {
        cluster.disconnect();
      });
    },
  };
}

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
