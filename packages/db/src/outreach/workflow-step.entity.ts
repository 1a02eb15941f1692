import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col } from '../columns.js';
import { EmailContentEntity } from './email-content.base.js';
import { Campaign } from './campaign.entity.js';

/** outreach.workflow_steps: one step of a campaign: order, delay, templates or a prompt. */
@Entity({ schema: 'outreach', name: 'workflow_steps' })
export class WorkflowStep extends EmailContentEntity {
  @Col('campaign_id', 'uuid')
  campaignId!: string;

  @Col('step_order', 'integer')
  stepOrder!: number;

  @Col('delay_days', 'integer')
  delayDays!: number;

  @Col('exit_on_reply', 'boolean')
  exitOnReply!: boolean;

  @Col('send_as_reply', 'boolean')
  sendAsReply!: boolean;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'id' },
  ])
  campaign?: Relation<Campaign>;
}
