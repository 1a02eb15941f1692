import { randomBytes } from 'node:crypto';
import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { CursorCodec, createDataSource } from '@outreach/db';
import { SystemDatabase } from '@outreach/db/system';
import { DataSource } from 'typeorm';
import { TENANT_SCOPE_DATABASE, TenantDatabase } from './tenant-database.js';
import type { TenantScopeDatabase } from './tenant-scope.js';

export interface DatabaseModuleOptions {
  /** DATABASE_URL: a member of `outreach_app` (pgBouncer in the stack), so RLS applies. */
  url: string;
  /** `application_name` on every connection (pg_stat_activity, pgBouncer). */
  applicationName: string;
  poolSize: number;
  statementTimeoutMs: number;
  /**
   * Signs pagination cursors. Apps that hand cursors to clients (the api) must configure one
   * shared by all their copies; without it a random per-process secret is used.
   */
  cursorSecret?: string | undefined;
  /** Wait between connection attempts while PostgreSQL is unreachable (default 2 000 ms). */
  retryMs?: number;
}

export interface DatabaseModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  useFactory: (...args: never[]) => DatabaseModuleOptions | Promise<DatabaseModuleOptions>;
}

/** The database fields every app's validated config carries (service-kit's ServiceConfig). */
export interface ServiceDatabaseConfig {
  databaseUrl: string;
  dbPoolSize: number;
  dbStatementTimeoutMs: number;
}

/** DatabaseModule options from an app's config: one mapping for the three apps. */
export function databaseOptionsFor(
  config: ServiceDatabaseConfig,
  applicationName: string,
  extra: Pick<DatabaseModuleOptions, 'cursorSecret' | 'retryMs'> = {},
): DatabaseModuleOptions {
  return {
    url: config.databaseUrl,
    applicationName,
    poolSize: config.dbPoolSize,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    ...extra,
  };
}

const OPTIONS = Symbol.for('outreach.tenancy.databaseOptions');
const DEFAULT_RETRY_MS = 2_000;

/**
 * The one DatabaseModule of the three apps (global): the TypeORM DataSource (injected by its
 * class), the cursor codec, the TenantDatabase handle (tenant work) and the SystemDatabase
 * (`@outreach/db/system`: the few cross-organisation functions that return ids). The app starts even when PostgreSQL
 * is down (readiness says so): the DataSource connects in the background until it succeeds,
 * and database work meanwhile fails fast (the api answers 503). Closed on shutdown.
 */
@Module({})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private retry: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OPTIONS) private readonly options: DatabaseModuleOptions,
  ) {}

  static forRootAsync(options: DatabaseModuleAsyncOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: DataSource,
          inject: [OPTIONS],
          useFactory: (config: DatabaseModuleOptions): DataSource =>
            createDataSource({
              url: config.url,
              applicationName: config.applicationName,
              poolSize: config.poolSize,
              statementTimeoutMs: config.statementTimeoutMs,
              // Refused statements become 4xx answers or job failures; real failures are
              // logged where they are handled (with no query parameters: personal data).
              logging: false,
            }),
        },
        {
          provide: CursorCodec,
          inject: [OPTIONS],
          useFactory: (config: DatabaseModuleOptions) =>
            new CursorCodec(config.cursorSecret ?? randomBytes(32).toString('base64url')),
        },
        {
          provide: TENANT_SCOPE_DATABASE,
          inject: [DataSource, CursorCodec],
          useFactory: (dataSource: DataSource, cursors: CursorCodec): TenantScopeDatabase => ({
            dataSource,
            cursors,
          }),
        },
        TenantDatabase,
        {
          provide: SystemDatabase,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new SystemDatabase(dataSource),
        },
      ],
      exports: [DataSource, CursorCodec, TenantDatabase, SystemDatabase, TENANT_SCOPE_DATABASE],
    };
  }

  /** Waits for the first attempt only: a database that is down does not stop start-up. */
  async onModuleInit(): Promise<void> {
    this.connecting = this.connect();
    await this.connecting;
  }

  private async connect(): Promise<void> {
    try {
      await this.dataSource.initialize();
    } catch (error) {
      const retryMs = this.options.retryMs ?? DEFAULT_RETRY_MS;
      this.logger.warn(`database not reachable yet (${String(error)}); retrying in ${retryMs} ms`);
      this.retry = setTimeout(() => {
        this.connecting = this.connect();
      }, retryMs);
      this.retry.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retry);
    await this.connecting;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
