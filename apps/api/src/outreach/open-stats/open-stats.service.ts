import { Injectable, NotFoundException } from '@nestjs/common';
import type { CampaignOpenStats, MessageOpenStatsView } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';

/** Open figures, read-only, computed in SQL by packages/db (OpenStatsRepository). */
@Injectable()
export class OpenStatsService {
  constructor(private readonly database: TenantDatabase) {}

  async campaign(campaignId: string): Promise<CampaignOpenStats> {
    const stats = await this.database
      .repositories()
      .openStats.forCampaign(this.database.organisationId(), campaignId);
    if (!stats) throw new NotFoundException('campaign not found');
    return stats;
  }

  async message(campaignId: string, messageId: string): Promise<MessageOpenStatsView> {
    const organisationId = this.database.organisationId();
    const repositories = this.database.repositories();
    const message = await repositories.campaignMessages.find(organisationId, campaignId, messageId);
    const stats = message
      ? await repositories.openStats.forMessage(organisationId, messageId)
      : null;
    if (!stats) throw new NotFoundException('message not found');
    return stats;
  }
}
