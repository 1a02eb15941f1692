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
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { PageDto } from '../../crud/page.dto.js';
import { CreateMailboxDto } from './dto/create-mailbox.dto.js';
import { ListMailboxesQuery } from './dto/list-mailboxes.query.js';
import { UpdateMailboxDto } from './dto/update-mailbox.dto.js';
import type { MailboxView } from './mailbox.view.js';
import { MailboxesService, type MailboxVerification } from './mailboxes.service.js';

@ApiTags('mailboxes')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@Controller('organisations/:organisationId/mailboxes')
export class MailboxesController {
  constructor(private readonly mailboxes: MailboxesService) {}

  @Post()
  @RequirePermission('mailboxes:write')
  create(@Body() body: CreateMailboxDto): Promise<MailboxView> {
    return this.mailboxes.create(body);
  }

  @Get()
  @RequirePermission('mailboxes:read')
  @ApiOkResponse({ type: PageDto })
  list(@Query() query: ListMailboxesQuery): Promise<Page<MailboxView>> {
    return this.mailboxes.list(query);
  }

  @Get(':mailboxId')
  @RequirePermission('mailboxes:read')
  get(@Param('mailboxId', ParseUUIDPipe) id: string): Promise<MailboxView> {
    return this.mailboxes.get(id);
  }

  @Patch(':mailboxId')
  @RequirePermission('mailboxes:write')
  update(
    @Param('mailboxId', ParseUUIDPipe) id: string,
    @Body() body: UpdateMailboxDto,
  ): Promise<MailboxView> {
    return this.mailboxes.update(id, body);
  }

  @Delete(':mailboxId')
  @HttpCode(204)
  @RequirePermission('mailboxes:write')
  remove(@Param('mailboxId', ParseUUIDPipe) id: string): Promise<void> {
    return this.mailboxes.remove(id);
  }

  /**
   * Logs in to the SMTP server (and IMAP when set): 200 with each server's result, also when a
   * server is unreachable or refuses the login (the mailbox then has status `error`).
   */
  @Post(':mailboxId/verify')
  @HttpCode(200)
  @RequirePermission('mailboxes:write')
  verify(@Param('mailboxId', ParseUUIDPipe) id: string): Promise<MailboxVerification> {
    return this.mailboxes.verify(id);
  }
}
