import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { SERVICE_CONFIG, ServiceConfigModule } from '@outreach/service-kit/config';
import { ServiceHealthModule } from '@outreach/service-kit/health';
import { TenancyModule } from '@outreach/tenancy';
import type { DataSource } from 'typeorm';
import { CompaniesModule } from './companies/companies.module.js';
import type { ApiConfig } from './config/api-config.schema.js';
import { DatabaseModule } from './database/database.module.js';
import { DATA_SOURCE } from './database/database.tokens.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { MembersModule } from './members/members.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { PeopleModule } from './people/people.module.js';
import { PositionsModule } from './positions/positions.module.js';

/**
 * Root module of the api. Feature modules (organisations, members, CRM…) go in `imports`
 * of the decorator; `forRoot` adds the validated config (global `SERVICE_CONFIG`) and
 * `/health/live` + `/health/ready`.
 */
@Module({
  imports: [
    DatabaseModule,
    OrganisationsModule,
    MembersModule,
    CompaniesModule,
    PeopleModule,
    PositionsModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: () => createValidationPipe() },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        ServiceHealthModule.forRoot({ service: 'api', http: true }),
        // Global guards (token, membership + permission) and the per-request RLS transaction.
        TenancyModule.forRootAsync({
          imports: [DatabaseModule],
          inject: [SERVICE_CONFIG, DATA_SOURCE],
          useFactory: (apiConfig: ApiConfig, dataSource: DataSource) => ({
            auth: apiConfig.auth,
            dataSource,
          }),
        }),
      ],
    };
  }
}
