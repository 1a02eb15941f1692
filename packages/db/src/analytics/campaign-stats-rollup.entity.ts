import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col } from '../columns.js';
import { Campaign } from '../outreach/campaign.entity.js';
import { TenantEntity } from '../tenant-entity.base.js';

/**
 * analytics.campaign_stats_rollups: a campaign's figures per step, A/B variant, mailbox and
 * local day, rebuilt from the data by CampaignStatsRepository.rebuildRollup (never incremented).
 * step_id NULL: enrollments; day NULL: variant assignments.
 */
@Entity({ schema: 'analytics', name: 'campaign_stats_rollups' })
export class CampaignStatsRollup extends TenantEntity {
  @Col('campaign_id', 'uuid')
  campaignId!: string;

  @Col('step_id', 'uuid', { nullable: true })
  stepId!: string | null;

  @Col('step_experiment_id', 'uuid', { nullable: true })
  stepExperimentId!: string | null;

  @Col('variant_id', 'uuid', { nullable: true })
  variantId!: string | null;

  @Col('mailbox_id', 'uuid', { nullable: true })
  mailboxId!: string | null;

  /** The event's day in the campaign's time zone, YYYY-MM-DD. */
  @Col('day', 'date', { nullable: true })
  day!: string | null;

  @Col('enrolled', 'integer')
  enrolled!: number;

  @Col('assigned', 'integer')
  assigned!: number;

  @Col('sent', 'integer')
  sent!: number;

  @Col('delivered', 'integer')
  delivered!: number;

  @Col('bounced', 'integer')
  bounced!: number;

  @Col('soft_bounced', 'integer')
  softBounced!: number;

  @Col('unique_human_opens', 'integer')
  uniqueHumanOpens!: number;

  @Col('total_opens', 'integer')
  totalOpens!: number;

  @Col('human_opens', 'integer')
  humanOpens!: number;

  @Col('machine_opens', 'integer')
  machineOpens!: number;

  @Col('human_replies', 'integer')
  humanReplies!: number;

  @Col('auto_replies', 'integer')
  autoReplies!: number;

  @Col('unsubscribes', 'integer')
  unsubscribes!: number;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'id' },
  ])
  campaign?: Relation<Campaign>;
}
