import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { CreateExperimentDto } from './dto/create-experiment.dto.js';
import { DeclareWinnerDto } from './dto/declare-winner.dto.js';
import { ExperimentDecisionSettingsDto } from './dto/experiment-decision-settings.dto.js';
import { ListExperimentsQuery } from './dto/list-experiments.query.js';
import type { ExperimentView } from './experiment.view.js';
import { ExperimentsService } from './experiments.service.js';

@ApiTags('experiments')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@ApiParam({ name: 'campaignId', format: 'uuid' })
@ApiParam({ name: 'stepId', format: 'uuid' })
@Controller('organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments')
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Get()
  @RequirePermission('campaigns:read')
  @ApiOperation({ summary: "The step's experiments, oldest first, with their variants" })
  list(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Query() query: ListExperimentsQuery,
  ): Promise<Page<ExperimentView>> {
    return this.experiments.list(campaignId, stepId, query);
  }

  @Post()
  @RequirePermission('campaigns:write')
  @ApiOperation({
    summary:
      'Creates a draft A/B experiment with its variants (at most one draft or running per step)',
  })
  create(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Body() body: CreateExperimentDto,
  ): Promise<ExperimentView> {
    return this.experiments.create(campaignId, stepId, body);
  }

  @Get(':experimentId')
  @RequirePermission('campaigns:read')
  get(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Param('experimentId', ParseUUIDPipe) experimentId: string,
  ): Promise<ExperimentView> {
    return this.experiments.get(campaignId, stepId, experimentId);
  }

  @Post(':experimentId/start')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'draft → running (the campaign must be a draft or paused)' })
  start(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Param('experimentId', ParseUUIDPipe) experimentId: string,
  ): Promise<ExperimentView> {
    return this.experiments.act(campaignId, stepId, experimentId, 'start');
  }

  @Post(':experimentId/stop')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'draft or running → cancelled, without a winner' })
  stop(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Param('experimentId', ParseUUIDPipe) experimentId: string,
  ): Promise<ExperimentView> {
    return this.experiments.act(campaignId, stepId, experimentId, 'stop');
  }

  @Post(':experimentId/winner')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'running → completed with the winning variant' })
  winner(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Param('experimentId', ParseUUIDPipe) experimentId: string,
    @Body() body: DeclareWinnerDto,
  ): Promise<ExperimentView> {
    return this.experiments.act(campaignId, stepId, experimentId, 'winner', body.variantId);
  }

  @Patch(':experimentId')
  @RequirePermission('campaigns:write')
  @ApiOperation({
    summary:
      'How a draft or running experiment decides: autoComplete (the worker completes it when a variant wins), confidence, minSamplePerVariant, minimumDetectableEffect',
  })
  configure(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('stepId', ParseUUIDPipe) stepId: string,
    @Param('experimentId', ParseUUIDPipe) experimentId: string,
    @Body() body: ExperimentDecisionSettingsDto,
  ): Promise<ExperimentView> {
    return this.experiments.configure(campaignId, stepId, experimentId, body);
  }
}
