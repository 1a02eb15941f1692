import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { Mailbox } from '../delivery/mailbox.entity.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Position } from '../crm/position.entity.js';
import { CampaignEnrollment } from './campaign-enrollment.entity.js';
import { StepExperimentVariant } from './step-experiment-variant.entity.js';
import { Task } from './task.entity.js';
import {
  INBOUND_CLASSES,
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  type InboundClass,
  type MessageDirection,
  type MessageStatus,
} from './message-status.js';

/** outreach.messages: an e-mail sent or received (at most one outbound message per task). */
@Entity({ schema: 'outreach', name: 'messages' })
export class Message extends MutableTenantEntity {
  @EnumColumn('direction', MESSAGE_DIRECTIONS)
  direction!: MessageDirection;

  @EnumColumn('status', MESSAGE_STATUSES)
  status!: MessageStatus;

  @Col('enrollment_id', 'uuid', { nullable: true })
  enrollmentId!: string | null;

  @Col('task_id', 'uuid', { nullable: true })
  taskId!: string | null;

  @Col('position_id', 'uuid', { nullable: true })
  positionId!: string | null;

  @Col('step_experiment_id', 'uuid', { nullable: true })
  stepExperimentId!: string | null;

  @Col('variant_id', 'uuid', { nullable: true })
  variantId!: string | null;

  @Col('mailbox_id', 'uuid', { nullable: true })
  mailboxId!: string | null;

  @TextColumn('from_email', { type: 'citext', maxLength: 254 })
  fromEmail!: string;

  @TextColumn('from_name', { maxLength: 200, nullable: true })
  fromName!: string | null;

  @TextColumn('to_email', { type: 'citext', maxLength: 254 })
  toEmail!: string;

  /** lower(to_email) as text (generated): the look-up key by address under row-level security. */
  @Col('to_email_key', 'text', { nullable: true, insert: false, update: false })
  readonly toEmailKey!: string | null;

  @TextColumn('subject', { maxLength: 998, nullable: true })
  subject!: string | null;

  @TextColumn('body_text', { maxLength: 1_000_000, nullable: true })
  bodyText!: string | null;

  @TextColumn('body_html', { maxLength: 2_000_000, nullable: true })
  bodyHtml!: string | null;

  @TextColumn('message_id', { maxLength: 998, nullable: true })
  messageId!: string | null;

  @TextColumn('in_reply_to', { maxLength: 998, nullable: true })
  inReplyTo!: string | null;

  @Col('sent_at', 'timestamptz', { nullable: true })
  sentAt!: Date | null;

  @Col('received_at', 'timestamptz', { nullable: true })
  receivedAt!: Date | null;

  @TextColumn('error', { maxLength: 10_000, nullable: true })
  error!: string | null;

  /** Inbound only: what came back (NULL for inbound rows older than the classifier). */
  @EnumColumn('inbound_class', INBOUND_CLASSES, { nullable: true })
  inboundClass!: InboundClass | null;

  /** Inbound only: our outbound message this one answers or bounces. */
  @Col('replied_to_message_id', 'uuid', { nullable: true })
  repliedToMessageId!: string | null;

  @TextColumn('references_header', { maxLength: 20_000, nullable: true })
  referencesHeader!: string | null;

  /** Inbound only: the visible reply, without the quoted thread. */
  @TextColumn('reply_text', { maxLength: 1_000_000, nullable: true })
  replyText!: string | null;

  @TextColumn('classification_reason', { maxLength: 2_000, nullable: true })
  classificationReason!: string | null;

  /** Inbound out-of-office only: the return date found, YYYY-MM-DD. */
  @Col('returns_on', 'date', { nullable: true })
  returnsOn!: string | null;

  @ManyToOne(() => CampaignEnrollment, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'enrollment_id', referencedColumnName: 'id' },
  ])
  enrollment?: Relation<CampaignEnrollment>;

  @ManyToOne(() => Task, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'task_id', referencedColumnName: 'id' },
  ])
  task?: Relation<Task>;

  @ManyToOne(() => Position, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'position_id', referencedColumnName: 'id' },
  ])
  position?: Relation<Position>;

  @ManyToOne(() => StepExperimentVariant, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'step_experiment_id', referencedColumnName: 'experimentId' },
    { name: 'variant_id', referencedColumnName: 'id' },
  ])
  variant?: Relation<StepExperimentVariant>;

  @ManyToOne(() => Message, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'replied_to_message_id', referencedColumnName: 'id' },
  ])
  repliedTo?: Relation<Message>;

  @ManyToOne(() => Mailbox)
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'mailbox_id', referencedColumnName: 'id' },
  ])
  mailbox?: Relation<Mailbox>;
}
