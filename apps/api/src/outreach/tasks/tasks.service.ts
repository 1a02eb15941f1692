import { Injectable, NotFoundException } from '@nestjs/common';
import type { Page, Task } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import type { ListTasksQueryDto } from './dto/list-tasks-query.dto.js';

/** The tasks of one campaign of the current organisation, read-only (the worker runs them). */
@Injectable()
export class TasksService {
  constructor(private readonly database: TenantDatabase) {}

  async list(campaignId: string, query: ListTasksQueryDto): Promise<Page<Task>> {
    const organisationId = this.database.organisationId();
    const repositories = this.database.repositories();
    if (!(await repositories.campaigns.find(organisationId, campaignId))) {
      throw new NotFoundException('campaign not found');
    }
    return repositories.tasks.list(organisationId, {
      cursor: query.cursor,
      limit: query.limit,
      direction: query.direction,
      filters: { campaignId, status: query.status },
    });
  }
}
