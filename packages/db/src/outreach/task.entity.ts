import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { CampaignEnrollment } from './campaign-enrollment.entity.js';
import { WorkflowStep } from './workflow-step.entity.js';
import { TASK_KINDS, TASK_STATUSES, type TaskKind, type TaskStatus } from './task-status.js';

/** outreach.tasks: the intention to run a step for an enrollment: due time, lock, attempts. */
@Entity({ schema: 'outreach', name: 'tasks' })
export class Task extends MutableTenantEntity {
  @Col('campaign_id', 'uuid')
  campaignId!: string;

  @Col('enrollment_id', 'uuid')
  enrollmentId!: string;

  @Col('step_id', 'uuid')
  stepId!: string;

  @EnumColumn('kind', TASK_KINDS)
  kind!: TaskKind;

  @EnumColumn('status', TASK_STATUSES)
  status!: TaskStatus;

  @Col('due_at', 'timestamptz')
  dueAt!: Date;

  @TextColumn('locked_by', { maxLength: 200, nullable: true })
  lockedBy!: string | null;

  @Col('locked_until', 'timestamptz', { nullable: true })
  lockedUntil!: Date | null;

  @Col('attempts', 'integer')
  attempts!: number;

  @Col('max_attempts', 'integer')
  maxAttempts!: number;

  @TextColumn('last_error', { maxLength: 10_000, nullable: true })
  lastError!: string | null;

  @Col('next_attempt_at', 'timestamptz', { nullable: true })
  nextAttemptAt!: Date | null;

  @Col('completed_at', 'timestamptz', { nullable: true })
  completedAt!: Date | null;

  @ManyToOne(() => CampaignEnrollment, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'campaignId' },
    { name: 'enrollment_id', referencedColumnName: 'id' },
  ])
  enrollment?: Relation<CampaignEnrollment>;

  @ManyToOne(() => WorkflowStep, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'campaignId' },
    { name: 'step_id', referencedColumnName: 'id' },
  ])
  step?: Relation<WorkflowStep>;
}
