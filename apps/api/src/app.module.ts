import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceConfigModule } from '@outreach/service-kit/config';
import { ServiceHealthModule } from '@outreach/service-kit/health';
import type { ApiConfig } from './config/api-config.schema.js';

/**
 * Root module of the api. Feature modules (organisations, members, CRM…) go in `imports`
 * of the decorator; `forRoot` adds the validated config (global `SERVICE_CONFIG`) and
 * `/health/live` + `/health/ready`.
 */
@Module({
  imports: [],
})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        ServiceHealthModule.forRoot({ service: 'api', http: true }),
      ],
    };
  }
}
