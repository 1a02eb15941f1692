import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createDataSource } from '@outreach/db';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { DataSource } from 'typeorm';
import type { WorkerConfig } from '../config/worker-config.schema.js';

/** The worker's TypeORM DataSource (through pgBouncer in the stack), closed on shutdown. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [SERVICE_CONFIG],
      useFactory: async (config: WorkerConfig): Promise<DataSource> => {
        const dataSource = createDataSource({
          url: config.databaseUrl,
          applicationName: 'worker',
          poolSize: config.dbPoolSize,
          statementTimeoutMs: config.dbStatementTimeoutMs,
        });
        return dataSource.initialize();
      },
    },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
