import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { SERVICE_CONFIG, ServiceConfigModule } from '@outreach/service-kit/config';
import { ServiceHealthModule } from '@outreach/service-kit/health';
import { DatabaseModule, databaseOptionsFor } from '@outreach/tenancy';
import { TenancyHttpModule } from '@outreach/tenancy/http';
import { CompaniesModule } from './crm/companies/companies.module.js';
import { ImportsModule } from './crm/imports/imports.module.js';
import type { ApiConfig } from './config/api-config.schema.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MembersModule } from './members/members.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { PeopleModule } from './crm/people/people.module.js';
import { PositionsModule } from './crm/positions/positions.module.js';
import { MailboxesModule } from './delivery/mailboxes/mailboxes.module.js';
import { InboundModule } from './delivery/inbound/inbound.module.js';
import { SuppressionsModule } from './delivery/suppressions/suppressions.module.js';
import { CampaignsModule } from './outreach/campaigns/campaigns.module.js';
import { PromptsModule } from './outreach/prompts/prompts.module.js';
import { StepsModule } from './outreach/steps/steps.module.js';
import { ExperimentsModule } from './outreach/experiments/experiments.module.js';
import { EnrollmentsModule } from './outreach/enrollments/enrollments.module.js';
import { MessagesModule } from './outreach/messages/messages.module.js';
import { OpenStatsModule } from './outreach/open-stats/open-stats.module.js';
import { StatsModule } from './outreach/stats/stats.module.js';
import { TasksModule } from './outreach/tasks/tasks.module.js';

/**
 * Root module of the api. Feature modules (organisations, members, CRM…) go in `imports`
 * of the decorator; `forRoot` adds the validated config (global `SERVICE_CONFIG`) and
 * `/health/live` + `/health/ready`.
 */
@Module({
  imports: [
    JobsModule,
    OrganisationsModule,
    MembersModule,
    CompaniesModule,
    PeopleModule,
    PositionsModule,
    ImportsModule,
    MailboxesModule,
    InboundModule,
    SuppressionsModule,
    CampaignsModule,
    StepsModule,
    ExperimentsModule,
    PromptsModule,
    EnrollmentsModule,
    TasksModule,
    MessagesModule,
    OpenStatsModule,
    StatsModule,
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
        DatabaseModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (apiConfig: ApiConfig) =>
            databaseOptionsFor(apiConfig, 'outreach-api', { cursorSecret: apiConfig.cursorSecret }),
        }),
        // The global guard (token, organisation id) and the per-request RLS transaction
        // (membership + permission, then the handler).
        TenancyHttpModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (apiConfig: ApiConfig) => ({ auth: apiConfig.auth }),
        }),
      ],
    };
  }
}
