import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { LoggerOptions } from 'typeorm';
import { ENTITIES } from './entities.js';

export interface DatabaseConfig {
  /** postgres:// URL: pgBouncer in production, PostgreSQL directly in tests and tools. */
  url: string;
  /** Reported as `application_name` (pg_stat_activity, logs); pgBouncer tracks it per client. */
  applicationName: string;
  /** Pool size of this process (default 10). Behind pgBouncer this bounds client connections only. */
  poolSize?: number;
  /** Applied per transaction with `set_config('statement_timeout', …, true)` (default 15 000 ms). */
  statementTimeoutMs?: number;
  /** Time to wait for a connection from the pool or the server (default 5 000 ms). */
  connectTimeoutMs?: number;
  /** Idle pooled connections are closed after this (default 30 000 ms). */
  idleTimeoutMs?: number;
  logging?: LoggerOptions;
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

const STATEMENT_TIMEOUT = Symbol.for('outreach.db.statementTimeoutMs');
type WithTimeout = DataSource & { [STATEMENT_TIMEOUT]?: number };

/**
 * The one way the apps build their TypeORM DataSource. Safe behind pgBouncer in transaction mode:
 * - schema comes only from the Flyway migrations: `synchronize`, `migrationsRun`, `dropSchema` off,
 *   no TypeORM migrations, no extension installation on connect;
 * - no session state: nothing is SET per connection; the statement timeout is applied per
 *   transaction by runInTenantTransaction (SET LOCAL semantics); `application_name` is a startup
 *   parameter pgBouncer tracks itself;
 * - no named prepared statements: TypeORM calls node-postgres without a statement `name`, so every
 *   query uses the unnamed statement (parse/bind/execute in one round trip).
 */
export function createDataSource(config: DatabaseConfig): DataSource {
  const poolSize = config.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new Error(`Database poolSize must be a positive integer, got ${String(poolSize)}`);
  }
  const statementTimeoutMs = config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 0) {
    throw new Error(
      `Database statementTimeoutMs must be an integer >= 0, got ${String(statementTimeoutMs)}`,
    );
  }
  const dataSource: WithTimeout = new DataSource({
    type: 'postgres',
    url: config.url,
    applicationName: config.applicationName,
    entities: [...ENTITIES],
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    migrations: [],
    installExtensions: false,
    poolSize,
    connectTimeoutMS: config.connectTimeoutMs ?? 5_000,
    // Off by default: failed queries would be logged with their parameters (personal data).
    logging: config.logging ?? false,
    extra: {
      max: poolSize,
      idleTimeoutMillis: config.idleTimeoutMs ?? 30_000,
      application_name: config.applicationName,
    },
  });
  dataSource[STATEMENT_TIMEOUT] = statementTimeoutMs;
  return dataSource;
}

/** The statement timeout configured for this DataSource (default when it was built elsewhere). */
export function statementTimeoutOf(dataSource: DataSource): number {
  return (dataSource as WithTimeout)[STATEMENT_TIMEOUT] ?? DEFAULT_STATEMENT_TIMEOUT_MS;
}
