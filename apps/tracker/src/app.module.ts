import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceConfigModule } from '@outreach/service-kit/config';
import { ServiceHealthModule } from '@outreach/service-kit/health';
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
      ],
    };
  }
}
