import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { CampaignOpenStats, MessageOpenStatsView } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { OpenStatsService } from './open-stats.service.js';

/**
 * Open statistics recorded by the tracker: "opened" means one human open; machine opens (Apple
 * Mail Privacy Protection, scanners, prefetch, too soon after the send) are counted apart. Rates
 * are over delivered messages (status sent).
 */
@ApiTags('open statistics')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@ApiParam({ name: 'campaignId', format: 'uuid' })
@Controller('organisations/:organisationId/campaigns/:campaignId')
export class OpenStatsController {
  constructor(private readonly stats: OpenStatsService) {}

  @Get('open-stats')
  @RequirePermission('campaigns:read')
  @ApiOkResponse({
    description:
      'total, per step and per A/B variant: delivered, uniqueHumanOpens, totalOpens, humanOpens, machineOpens, machineOpenedMessages, openRate (unique human opens / delivered), machineOpenedRate',
  })
  @ApiNotFoundResponse({ description: 'no such campaign in this organisation' })
  campaign(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<CampaignOpenStats> {
    return this.stats.campaign(campaignId);
  }

  @Get('messages/:messageId/open-stats')
  @RequirePermission('campaigns:read')
  @ApiParam({ name: 'messageId', format: 'uuid' })
  @ApiOkResponse({
    description:
      'opened (one human open), totalOpens, humanOpens, machineOpens (proxyOpens + botOpens), first/last open and human open, last open kind and reason',
  })
  @ApiNotFoundResponse({ description: 'no such message in this campaign' })
  message(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('messageId', ParseUUIDPipe) messageId: string,
  ): Promise<MessageOpenStatsView> {
    return this.stats.message(campaignId, messageId);
  }
}
