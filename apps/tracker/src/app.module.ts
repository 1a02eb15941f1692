import { Module, type DynamicModule } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceConfigModule } from '@outreach/service-kit/config';
import { ServiceHealthModule } from '@outreach/service-kit/health';
import { DatabaseModule, databaseOptionsFor } from '@outreach/tenancy';
import type { TrackerConfig } from './config/tracker-config.schema.js';
import { PixelModule } from './pixel/pixel.module.js';

/** Root module of the tracker: the pixel, config and health. */
@Module({
  imports: [PixelModule],
})
export class AppModule {
  static forRoot(config: TrackerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        ServiceHealthModule.forRoot({ service: 'tracker', http: true }),
        // The same DatabaseModule as the api and the worker; recording opens (tenant scope from
        // the pixel token through @outreach/db/system) builds on it.
        DatabaseModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (trackerConfig: TrackerConfig) =>
            databaseOptionsFor(trackerConfig, 'outreach-tracker'),
        }),
      ],
    };
  }
}
