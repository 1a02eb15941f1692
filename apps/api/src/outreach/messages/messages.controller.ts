import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Message, MessageSummary, Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { ListMessagesQueryDto } from './dto/list-messages-query.dto.js';
import { MessagePageSchema, MessageSchema } from './message.schemas.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@ApiParam({ name: 'campaignId', format: 'uuid' })
@Controller('organisations/:organisationId/campaigns/:campaignId/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @RequirePermission('campaigns:read')
  @ApiOkResponse({
    type: MessagePageSchema,
    description: 'messages without their bodies; inbound ones with their class (inboundClass)',
  })
  @ApiNotFoundResponse({ description: 'no such campaign in this organisation' })
  list(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Query() query: ListMessagesQueryDto,
  ): Promise<Page<MessageSummary>> {
    return this.messages.list(campaignId, query);
  }

  @Get(':messageId')
  @RequirePermission('campaigns:read')
  @ApiParam({ name: 'messageId', format: 'uuid' })
  @ApiOkResponse({ type: MessageSchema, description: 'the message with its bodies' })
  @ApiNotFoundResponse({ description: 'no such message in this campaign' })
  get(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('messageId', ParseUUIDPipe) messageId: string,
  ): Promise<Message> {
    return this.messages.get(campaignId, messageId);
  }
}
