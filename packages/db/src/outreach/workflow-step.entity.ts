import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Campaign } from './campaign.entity.js';
import { Prompt } from './prompt.entity.js';

/** outreach.workflow_steps: One step of a campaign: order, delay, templates or a prompt. */
@Entity({ schema: 'outreach', name: 'workflow_steps' })
export class WorkflowStep extends MutableTenantEntity {
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

  @TextColumn('subject_template', { maxLength: 1_000, nullable: true })
  subjectTemplate!: string | null;

  @TextColumn('body_template', { maxLength: 100_000, nullable: true })
  bodyTemplate!: string | null;

  @Col('prompt_id', 'uuid', { nullable: true })
  promptId!: string | null;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'id' },
  ])
  campaign?: Relation<Campaign>;

  @ManyToOne(() => Prompt)
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'prompt_id', referencedColumnName: 'id' },
  ])
  prompt?: Relation<Prompt>;
}
