import {
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { CursorCodec, createDataSource } from '@outreach/db';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { DataSource } from 'typeorm';
import type { ApiConfig } from '../config/api-config.schema.js';
import { CURSOR_CODEC, DATA_SOURCE } from './database.tokens.js';

const RETRY_MS = 2_000;

/**
 * The api's TypeORM DataSource (DATABASE_URL: outreach_app_user through pgBouncer, so row-level
 * security applies) and the pagination cursor codec. The api starts even when PostgreSQL is
 * down (readiness says so); the DataSource connects in the background until it succeeds, and
 * requests meanwhile get 503. Closed on shutdown.
 */
@Module({
  providers: [
    {
      provide: DATA_SOURCE,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ApiConfig): DataSource =>
        createDataSource({
          url: config.databaseUrl,
          applicationName: 'outreach-api',
          poolSize: config.dbPoolSize,
          statementTimeoutMs: config.dbStatementTimeoutMs,
          // Refused statements become 4xx answers; real failures are logged by ApiExceptionFilter.
          logging: false,
        }),
    },
    {
      provide: CURSOR_CODEC,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ApiConfig) => new CursorCodec(config.cursorSecret),
    },
  ],
  exports: [DATA_SOURCE, CURSOR_CODEC],
})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private retry: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Waits for the first attempt only: a database that is down does not stop start-up. */
  async onModuleInit(): Promise<void> {
    this.connecting = this.connect();
    await this.connecting;
  }

  private async connect(): Promise<void> {
    try {
      await this.dataSource.initialize();
    } catch (error) {
      this.logger.warn(`database not reachable yet (${String(error)}); retrying in ${RETRY_MS} ms`);
      this.retry = setTimeout(() => {
        this.connecting = this.connect();
      }, RETRY_MS);
      this.retry.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retry);
    await this.connecting;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
