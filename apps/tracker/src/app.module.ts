import { Module, type DynamicModule } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceConfigModule } from '@outreach/service-kit/config';
import { ServiceHealthModule } from '@outreach/service-kit/health';
import { DatabaseModule, databaseOptionsFor } from '@outreach/tenancy';
import type { TrackerConfig } from './config/tracker-config.schema.js';
import { OpensModule } from './opens/opens.module.js';
import { PixelModule } from './pixel/pixel.module.js';
import { UnsubscribeModule } from './unsubscribe/unsubscribe.module.js';

/** Root module of the tracker: the pixel and recording opens, unsubscribe, config, health, metrics. */
@Module({
  imports: [OpensModule, PixelModule, UnsubscribeModule],
})
export class AppModule {
  static forRoot(config: TrackerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        ServiceHealthModule.forRoot({ service: 'tracker', http: true }),
        // The same DatabaseModule as the api and the worker: tokens are resolved through
        // @outreach/db/system, opens and unsubscribes written in tenant transactions.
        DatabaseModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (trackerConfig: TrackerConfig) =>
            databaseOptionsFor(trackerConfig, 'outreach-tracker'),
        }),
      ],
    };
  }
}
