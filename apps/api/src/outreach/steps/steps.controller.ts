import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page, WorkflowStep } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { CreateStepDto } from './dto/create-step.dto.js';
import { ListStepsQuery } from './dto/list-steps.query.js';
import { PreviewStepDto } from './dto/preview-step.dto.js';
import { ReorderStepsDto } from './dto/reorder-steps.dto.js';
import { UpdateStepDto } from './dto/update-step.dto.js';
import type { StepPreviewView } from './step-preview.view.js';
import { StepsService } from './steps.service.js';

@ApiTags('steps')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@ApiParam({ name: 'campaignId', format: 'uuid' })
@Controller('organisations/:organisationId/campaigns/:campaignId/steps')
export class StepsController {
  constructor(private readonly steps: StepsService) {}

  @Get()
  @RequirePermission('campaigns:read')
  list(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Query() query: ListStepsQuery,
  ): Promise<Page<WorkflowStep>> {
    return this.steps.list(campaignId, query);
  }

  @Post()
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'Appends a step (next step order)' })
  create(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Body() body: CreateStepDto,
  ): Promise<WorkflowStep> {
    return this.steps.create(campaignId, body);
  }

  @Put('order')
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'Reorders every step of the campaign in one transaction' })
  reorder(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Body() body: ReorderStepsDto,
  ): Promise<Page<WorkflowStep>> {
    return this.steps.reorder(campaignId, body.stepIds);
  }

  @Get(':stepId')
  @RequirePermission('campaigns:read')
  get(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
  ): Promise<WorkflowStep> {
    return this.steps.get(campaignId, stepId);
  }

  @Patch(':stepId')
  @RequirePermission('campaigns:write')
  update(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Body() body: UpdateStepDto,
  ): Promise<WorkflowStep> {
    return this.steps.update(campaignId, stepId, body);
  }

  @Delete(':stepId')
  @HttpCode(204)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'Deletes a step; the steps after it move up (no gaps)' })
  remove(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
  ): Promise<void> {
    return this.steps.remove(campaignId, stepId);
  }

  @Post(':stepId/preview')
  @HttpCode(200)
  @RequirePermission('campaigns:read')
  @ApiOperation({ summary: 'Renders the step (or a variant) for one position' })
  preview(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Body() body: PreviewStepDto,
  ): Promise<StepPreviewView> {
    return this.steps.preview(campaignId, stepId, body);
  }
}
