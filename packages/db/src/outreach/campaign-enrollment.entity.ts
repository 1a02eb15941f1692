import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Position } from '../crm/position.entity.js';
import { Campaign } from './campaign.entity.js';
import { Message } from './message.entity.js';
import { WorkflowStep } from './workflow-step.entity.js';
import {
  ENROLLMENT_EXIT_REASONS,
  ENROLLMENT_STATUSES,
  type EnrollmentExitReason,
  type EnrollmentStatus,
} from './enrollment-status.js';

/** outreach.campaign_enrollments: A position enrolled in a campaign (once per campaign), and where it stands. */
@Entity({ schema: 'outreach', name: 'campaign_enrollments' })
export class CampaignEnrollment extends MutableTenantEntity {
  @Col('campaign_id', 'uuid')
  campaignId!: string;

  @Col('position_id', 'uuid')
  positionId!: string;

  @EnumColumn('status', ENROLLMENT_STATUSES)
  status!: EnrollmentStatus;

  @Col('current_step_id', 'uuid', { nullable: true })
  currentStepId!: string | null;

  @EnumColumn('exit_reason', ENROLLMENT_EXIT_REASONS, { nullable: true })
  exitReason!: EnrollmentExitReason | null;

  @Col('exited_at', 'timestamptz', { nullable: true })
  exitedAt!: Date | null;

  @Col('completed_at', 'timestamptz', { nullable: true })
  completedAt!: Date | null;

  /** The message that caused the exit (unsubscribe link, bounce, reply), when one did. */
  @Col('exit_message_id', 'uuid', { nullable: true })
  exitMessageId!: string | null;

  /** An automatic pause (out-of-office) ends then; read only while status is paused. */
  @Col('paused_until', 'timestamptz', { nullable: true })
  pausedUntil!: Date | null;

  /** The inbound message (out-of-office) that caused the current or last automatic pause. */
  @Col('pause_message_id', 'uuid', { nullable: true })
  pauseMessageId!: string | null;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'id' },
  ])
  campaign?: Relation<Campaign>;

  @ManyToOne(() => Position, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'position_id', referencedColumnName: 'id' },
  ])
  position?: Relation<Position>;

  @ManyToOne(() => WorkflowStep)
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'campaignId' },
    { name: 'current_step_id', referencedColumnName: 'id' },
  ])
  currentStep?: Relation<WorkflowStep>;

  @ManyToOne(() => Message, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'exit_message_id', referencedColumnName: 'id' },
  ])
  exitMessage?: Relation<Message>;

  @ManyToOne(() => Message, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'pause_message_id', referencedColumnName: 'id' },
  ])
  pauseMessage?: Relation<Message>;
}
