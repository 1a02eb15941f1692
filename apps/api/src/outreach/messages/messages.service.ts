import { Injectable, NotFoundException } from '@nestjs/common';
import type { Message, MessageSummary, Page } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import type { ListMessagesQueryDto } from './dto/list-messages-query.dto.js';

/** The messages of one campaign (through their enrollments), read-only. */
@Injectable()
export class MessagesService {
  constructor(private readonly database: TenantDatabase) {}

  async list(campaignId: string, query: ListMessagesQueryDto): Promise<Page<MessageSummary>> {
    const organisationId = this.database.organisationId();
    const repositories = this.database.repositories();
    if (!(await repositories.campaigns.find(organisationId, campaignId))) {
      throw new NotFoundException('campaign not found');
    }
    return repositories.campaignMessages.list(organisationId, campaignId, {
      cursor: query.cursor,
      limit: query.limit,
      direction: query.direction,
      filters: { direction: query.messageDirection, status: query.status },
    });
  }

  async get(campaignId: string, messageId: string): Promise<Message> {
    const message = await this.database
      .repositories()
      .campaignMessages.find(this.database.organisationId(), campaignId, messageId);
    if (!message) throw new NotFoundException('message not found');
    return message;
  }
}
