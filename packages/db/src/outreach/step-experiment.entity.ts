import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { StepExperimentVariant } from './step-experiment-variant.entity.js';
import { WorkflowStep } from './workflow-step.entity.js';
import {
  STEP_EXPERIMENT_METRICS,
  STEP_EXPERIMENT_STATUSES,
  type StepExperimentMetric,
  type StepExperimentStatus,
} from './step-experiment-status.js';

/** outreach.step_experiments: an A/B test on a workflow step; the winner is one of its variants. */
@Entity({ schema: 'outreach', name: 'step_experiments' })
export class StepExperiment extends MutableTenantEntity {
  @Col('step_id', 'uuid')
  stepId!: string;

  @TextColumn('name', { maxLength: 200 })
  name!: string;

  @EnumColumn('status', STEP_EXPERIMENT_STATUSES)
  status!: StepExperimentStatus;

  @EnumColumn('metric', STEP_EXPERIMENT_METRICS)
  metric!: StepExperimentMetric;

  @Col('winner_variant_id', 'uuid', { nullable: true })
  winnerVariantId!: string | null;

  @Col('started_at', 'timestamptz', { nullable: true })
  startedAt!: Date | null;

  @Col('ended_at', 'timestamptz', { nullable: true })
  endedAt!: Date | null;

  /** The worker completes the running experiment when a variant wins (see `decision`). */
  @Col('auto_complete', 'boolean')
  autoComplete!: boolean;

  /** Probability of being the best a winner needs (0.8–0.999); credible level; 1 − significance. */
  @Col('confidence', 'double precision')
  confidence!: number;

  /** Delivered messages each variant needs before an automatic decision. */
  @Col('min_sample_per_variant', 'integer')
  minSamplePerVariant!: number;

  /** Absolute difference of rates the power calculation sizes the sample for (0.001–0.5). */
  @Col('minimum_detectable_effect', 'double precision')
  minimumDetectableEffect!: number;

  /** The figures the completion was decided on; null until completed. */
  @Col('decision', 'jsonb', { nullable: true })
  decision!: Record<string, unknown> | null;

  @ManyToOne(() => WorkflowStep, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'step_id', referencedColumnName: 'id' },
  ])
  step?: Relation<WorkflowStep>;

  @ManyToOne(() => StepExperimentVariant)
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'id', referencedColumnName: 'experimentId' },
    { name: 'winner_variant_id', referencedColumnName: 'id' },
  ])
  winnerVariant?: Relation<StepExperimentVariant>;
}
