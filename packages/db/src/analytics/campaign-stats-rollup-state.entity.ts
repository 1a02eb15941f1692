import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Campaign } from '../outreach/campaign.entity.js';

/**
 * analytics.campaign_stats_rollup_states: when a campaign's rollup was rebuilt (it counts every
 * change committed before computed_at) and over how many outbound messages.
 */
@Entity({ schema: 'analytics', name: 'campaign_stats_rollup_states' })
export class CampaignStatsRollupState extends MutableTenantEntity {
  @Col('campaign_id', 'uuid')
  campaignId!: string;

  @Col('computed_at', 'timestamptz')
  computedAt!: Date;

  @Col('messages', 'integer')
  messages!: number;

  @Col('duration_ms', 'integer')
  durationMs!: number;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'id' },
  ])
  campaign?: Relation<Campaign>;
}
