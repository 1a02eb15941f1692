import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Prompt } from './prompt.entity.js';
import { StepExperiment } from './step-experiment.entity.js';

/** outreach.step_experiment_variants: A variant of an experiment: key, weight, its own templates or prompt. */
@Entity({ schema: 'outreach', name: 'step_experiment_variants' })
export class StepExperimentVariant extends MutableTenantEntity {
  @Col('experiment_id', 'uuid')
  experimentId!: string;

  @TextColumn('key')
  key!: string;

  @Col('weight', 'integer')
  weight!: number;

  @TextColumn('subject_template', { maxLength: 1_000, nullable: true })
  subjectTemplate!: string | null;

  @TextColumn('body_template', { maxLength: 100_000, nullable: true })
  bodyTemplate!: string | null;

  @Col('prompt_id', 'uuid', { nullable: true })
  promptId!: string | null;

  @ManyToOne(() => StepExperiment, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'experiment_id', referencedColumnName: 'id' },
  ])
  experiment?: Relation<StepExperiment>;

  @ManyToOne(() => Prompt)
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'prompt_id', referencedColumnName: 'id' },
  ])
  prompt?: Relation<Prompt>;
}
