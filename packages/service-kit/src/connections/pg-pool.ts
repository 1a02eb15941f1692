import pg from 'pg';

export interface PgPoolOptions {
  databaseUrl: string;
  max: number;
  /** Client-side limit per query (pgBouncer in transaction mode refuses a `statement_timeout` startup parameter). */
  queryTimeoutMs: number;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  connectTimeoutMs: number;
}

/**
 * A pg pool that is safe behind pgBouncer in transaction mode: unnamed statements only
 * (never pass `name` to `query`), no session state, no LISTEN.
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    query_timeout: options.queryTimeoutMs > 0 ? options.queryTimeoutMs : undefined,
    application_name: options.applicationName,
  });
  // An idle client losing its server (restart, pgBouncer reload) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}
