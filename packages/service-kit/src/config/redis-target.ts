/** What a missing Redis configuration is reported as. */
export const MISSING_REDIS =
  'required (or REDIS_CLUSTER_NODES=host:port,host:port,… for a Redis Cluster)';

/** One node of a Redis Cluster: where to start discovering the cluster's slots. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where the queues live: one Redis (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`).
 * `@outreach/jobs` turns it into BullMQ's connection, the health module into its client.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'cluster';
      /** Startup nodes (any masters or replicas); the client discovers the rest. */
      nodes: RedisNode[];
      username?: string;
      password?: string;
      /** TLS to every node (`rediss://` entries). */
      tls: boolean;
    };

/**
 * Parses REDIS_CLUSTER_NODES: comma-separated `host:port` entries, or `redis://` /
 * `rediss://` URLs when the cluster needs a password or TLS (every URL entry must then carry the
 * same scheme and credentials). Throws a TypeError saying what is wrong.
 */
export function parseRedisClusterNodes(value: string): Extract<RedisTarget, { kind: 'cluster' }> {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new TypeError('expected host:port entries separated by commas');
  const nodes: RedisNode[] = [];
  const secured = new Set<string>();
  let username: string | undefined;
  let password: string | undefined;
  for (const entry of entries) {
    const isUrl = /^[a-z]+:\/\//i.test(entry);
    let url: URL;
    try {
      url = new URL(isUrl ? entry : `redis://${entry}`);
    } catch {
      throw new TypeError(`"${entry}" is not host:port`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new TypeError(`"${entry}": expected host:port, redis:// or rediss://`);
    }
    if (!url.hostname || !url.port) throw new TypeError(`"${entry}" is not host:port`);
    if (url.pathname.length > 1) {
      throw new TypeError(`"${entry}": a cluster has no database number (only database 0)`);
    }
    if (isUrl) {
      secured.add(`${url.protocol}${url.username}:${url.password}`);
      if (url.username) username = decodeURIComponent(url.username);
      if (url.password) password = decodeURIComponent(url.password);
    }
    nodes.push({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
  }
  if (secured.size > 1) {
    throw new TypeError('every URL entry must use the same scheme, username and password');
  }
  const tls = [...secured].some((key) => key.startsWith('rediss:'));
  return {
    kind: 'cluster',
    nodes,
    tls,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}
