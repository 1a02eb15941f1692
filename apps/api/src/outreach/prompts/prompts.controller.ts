import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page, Prompt } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { CreatePromptDto } from './dto/create-prompt.dto.js';
import { ListPromptsQuery } from './dto/list-prompts.query.js';
import { PromptsService } from './prompts.service.js';

@ApiTags('prompts')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@Controller('organisations/:organisationId/prompts')
export class PromptsController {
  constructor(private readonly prompts: PromptsService) {}

  @Post()
  @RequirePermission('prompts:write')
  @ApiOperation({ summary: 'Creates the next version of the prompt called `name` (insert-only)' })
  create(@Body() body: CreatePromptDto): Promise<Prompt> {
    return this.prompts.create(body);
  }

  @Get()
  @RequirePermission('prompts:read')
  list(@Query() query: ListPromptsQuery): Promise<Page<Prompt>> {
    return this.prompts.list(query);
  }

  @Get(':promptId')
  @RequirePermission('prompts:read')
  get(@Param('promptId', ParseUUIDPipe) promptId: string): Promise<Prompt> {
    return this.prompts.get(promptId);
  }
}
