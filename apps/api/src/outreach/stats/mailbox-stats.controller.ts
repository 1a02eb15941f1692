import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { MailboxStatsView } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { MailboxStatsViewSchema } from './stats.schemas.js';
import { StatsService } from './stats.service.js';

@ApiTags('analytics')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@ApiParam({ name: 'mailboxId', format: 'uuid' })
@Controller('organisations/:organisationId/mailboxes/:mailboxId')
export class MailboxStatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats')
  @RequirePermission('mailboxes:read')
  @ApiOperation({
    summary: "A sending mailbox's figures (as a campaign's), in total and per campaign",
  })
  @ApiOkResponse({ type: MailboxStatsViewSchema })
  @ApiNotFoundResponse({ description: 'no such mailbox in this organisation' })
  mailbox(@Param('mailboxId', ParseUUIDPipe) mailboxId: string): Promise<MailboxStatsView> {
    return this.stats.mailbox(mailboxId);
  }
}
