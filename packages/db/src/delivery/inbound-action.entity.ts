import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { CampaignEnrollment } from '../outreach/campaign-enrollment.entity.js';
import { Message } from '../outreach/message.entity.js';
import { TenantEntity } from '../tenant-entity.base.js';
import {
  INBOUND_ACTIONS,
  INBOUND_EXIT_REASONS,
  type InboundAction as InboundActionKind,
  type InboundExitReason,
} from './delivery-values.js';
import { Suppression } from './suppression.entity.js';

/**
 * delivery.inbound_actions: what an inbound message caused (exited, paused, suppressed, bounced,
 * recorded) and why. Insert-only.
 */
@Entity({ schema: 'delivery', name: 'inbound_actions' })
export class InboundActionRecord extends TenantEntity {
  /** The inbound message (outreach.messages.id) that caused the action. */
  @Col('message_id', 'uuid')
  messageId!: string;

  @Col('enrollment_id', 'uuid', { nullable: true })
  enrollmentId!: string | null;

  @EnumColumn('action', INBOUND_ACTIONS)
  action!: InboundActionKind;

  @TextColumn('reason', { maxLength: 2_000 })
  reason!: string;

  @EnumColumn('exit_reason', INBOUND_EXIT_REASONS, { nullable: true })
  exitReason!: InboundExitReason | null;

  @Col('paused_until', 'timestamptz', { nullable: true })
  pausedUntil!: Date | null;

  @Col('suppression_id', 'uuid', { nullable: true })
  suppressionId!: string | null;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'message_id', referencedColumnName: 'id' },
  ])
  message?: Relation<Message>;

  @ManyToOne(() => CampaignEnrollment, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'enrollment_id', referencedColumnName: 'id' },
  ])
  enrollment?: Relation<CampaignEnrollment>;

  @ManyToOne(() => Suppression, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'suppression_id', referencedColumnName: 'id' },
  ])
  suppression?: Relation<Suppression>;
}
