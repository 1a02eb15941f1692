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
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import type { CampaignView } from './campaign.view.js';
import { CampaignsService } from './campaigns.service.js';
import { CreateCampaignDto } from './dto/create-campaign.dto.js';
import { ListCampaignsQuery } from './dto/list-campaigns.query.js';
import { UpdateCampaignDto } from './dto/update-campaign.dto.js';

@ApiTags('campaigns')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@Controller('organisations/:organisationId/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @RequirePermission('campaigns:write')
  create(@Body() body: CreateCampaignDto): Promise<CampaignView> {
    return this.campaigns.create(body);
  }

  @Get()
  @RequirePermission('campaigns:read')
  list(@Query() query: ListCampaignsQuery): Promise<Page<CampaignView>> {
    return this.campaigns.list(query);
  }

  @Get(':campaignId')
  @RequirePermission('campaigns:read')
  get(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<CampaignView> {
    return this.campaigns.get(campaignId);
  }

  @Patch(':campaignId')
  @RequirePermission('campaigns:write')
  update(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Body() body: UpdateCampaignDto,
  ): Promise<CampaignView> {
    return this.campaigns.update(campaignId, body);
  }

  @Delete(':campaignId')
  @HttpCode(204)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'Deletes a draft or archived campaign (409 otherwise)' })
  remove(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<void> {
    return this.campaigns.remove(campaignId);
  }

  @Post(':campaignId/activate')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'draft → active; 422 lists every readiness problem' })
  activate(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<CampaignView> {
    return this.campaigns.act(campaignId, 'activate');
  }

  @Post(':campaignId/pause')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'active → paused' })
  pause(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<CampaignView> {
    return this.campaigns.act(campaignId, 'pause');
  }

  @Post(':campaignId/resume')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'paused → active; the activation checks run again' })
  resume(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<CampaignView> {
    return this.campaigns.act(campaignId, 'resume');
  }

  @Post(':campaignId/complete')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'active or paused → completed' })
  complete(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<CampaignView> {
    return this.campaigns.act(campaignId, 'complete');
  }

  @Post(':campaignId/archive')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiOperation({ summary: 'draft, paused or completed → archived' })
  archive(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<CampaignView> {
    return this.campaigns.act(campaignId, 'archive');
  }
}
