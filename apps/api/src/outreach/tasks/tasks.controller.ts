import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Page, Task } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { PageDto } from '../../crud/page.dto.js';
import { ListTasksQueryDto } from './dto/list-tasks-query.dto.js';
import { TasksService } from './tasks.service.js';

@ApiTags('tasks')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@ApiParam({ name: 'campaignId', format: 'uuid' })
@Controller('organisations/:organisationId/campaigns/:campaignId/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @RequirePermission('campaigns:read')
  @ApiOkResponse({ type: PageDto })
  @ApiNotFoundResponse({ description: 'no such campaign in this organisation' })
  list(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Query() query: ListTasksQueryDto,
  ): Promise<Page<Task>> {
    return this.tasks.list(campaignId, query);
  }
}
