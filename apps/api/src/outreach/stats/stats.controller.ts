import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { CampaignStats, DailySeries } from '@outreach/db';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '@outreach/tenancy/http';
import { DailyStatsQuery } from './dto/daily-stats.query.js';
import {
  CampaignExperimentsSchema,
  CampaignStatsSchema,
  DailySeriesSchema,
} from './stats.schemas.js';
import { StatsService, type CampaignExperimentsView } from './stats.service.js';

/**
 * Campaign analytics computed from the data (messages, opens, inbound messages, enrollments):
 * totals, per step, A/B variant and mailbox; a daily series in the campaign's time zone; CSV
 * exports; the A/B assessment of every experiment.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@ApiParam({ name: 'campaignId', format: 'uuid' })
@Controller('organisations/:organisationId/campaigns/:campaignId')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats')
  @RequirePermission('campaigns:read')
  @ApiOperation({
    summary:
      'Enrolled, sent, delivered, bounced (hard/soft), opens (unique human, total, machine), replies (human/automatic), unsubscribes, each rate with its numerator and denominator: the campaign, each step, A/B variant and mailbox; from the rollup the worker rebuilds from the data, or counted live, with as of when (source, computedAt, pendingChanges)',
  })
  @ApiOkResponse({ type: CampaignStatsSchema })
  @ApiNotFoundResponse({ description: 'no such campaign in this organisation' })
  campaign(@Param('campaignId', ParseUUIDPipe) campaignId: string): Promise<CampaignStats> {
    return this.stats.campaign(campaignId);
  }

  @Get('stats.csv')
  @RequirePermission('campaigns:read')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary:
      'The same figures as CSV (UTF-8 with BOM): one row for the campaign, each step, variant and mailbox; rates as decimals, empty when undefined',
  })
  @ApiOkResponse({ schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'no such campaign in this organisation' })
  async campaignCsv(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return csv(reply, 'campaign-stats.csv', await this.stats.campaignCsv(campaignId));
  }

  @Get('stats/daily')
  @RequirePermission('campaigns:read')
  @ApiOperation({
    summary:
      "Per calendar day in the campaign's time zone (from/to inclusive, at most 366 days; default the last 30 days): enrollments, sends, first human opens, total and machine opens, first replies, unsubscribes; with source, computedAt and pendingChanges as the campaign stats",
  })
  @ApiOkResponse({ type: DailySeriesSchema })
  @ApiBadRequestResponse({
    description: 'not a day, from after to, more than 366 days, or a range outside the campaign',
  })
  @ApiNotFoundResponse({ description: 'no such campaign in this organisation' })
  daily(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Query() query: DailyStatsQuery,
  ): Promise<DailySeries> {
    return this.stats.daily(campaignId, query);
  }

  @Get('stats/daily.csv')
  @RequirePermission('campaigns:read')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The daily series as CSV (UTF-8 with BOM), one row per day' })
  @ApiOkResponse({ schema: { type: 'string' } })
  async dailyCsv(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Query() query: DailyStatsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return csv(reply, 'campaign-daily-stats.csv', await this.stats.dailyCsv(campaignId, query));
  }

  @Get('experiments')
  @RequirePermission('campaigns:read')
  @ApiOperation({
    summary:
      "Every A/B experiment of the campaign: each variant's rate on the experiment's metric with its credible interval, the probability that it is the best (Bayesian Beta-Binomial), and the verdict — winner, no clear winner, not enough data yet (with the sample still needed per variant) or a single variant",
  })
  @ApiOkResponse({ type: CampaignExperimentsSchema })
  @ApiNotFoundResponse({ description: 'no such campaign in this organisation' })
  experiments(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
  ): Promise<CampaignExperimentsView> {
    return this.stats.experiments(campaignId);
  }
}

/** CSV headers set only once the figures are there, so that errors still answer JSON. */
function csv(reply: FastifyReply, fileName: string, body: string): string {
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store');
  return body;
}
