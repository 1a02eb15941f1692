import { Entity } from 'typeorm';
import { Col } from '../columns.js';
import { TenantEntity } from '../tenant-entity.base.js';

/**
 * analytics.campaign_stats_changes: a change marker (a campaign whose figures may have changed
 * since its rollup), appended by statement triggers and deleted by the rebuild. Insert-only; no
 * foreign key to the campaign on purpose: a trigger firing while a campaign is being deleted
 * must not fail (V20251230_300000).
 */
@Entity({ schema: 'analytics', name: 'campaign_stats_changes' })
export class CampaignStatsChange extends TenantEntity {
  @Col('campaign_id', 'uuid')
  campaignId!: string;
}
