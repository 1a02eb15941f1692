import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { EmailContentEntity } from './email-content.base.js';
import { StepExperiment } from './step-experiment.entity.js';

/** outreach.step_experiment_variants: A variant of an experiment: key, weight, its own templates or prompt. */
@Entity({ schema: 'outreach', name: 'step_experiment_variants' })
export class StepExperimentVariant extends EmailContentEntity {
  @Col('experiment_id', 'uuid')
  experimentId!: string;

  @TextColumn('key')
  key!: string;

  @Col('weight', 'integer')
  weight!: number;

  @ManyToOne(() => StepExperiment, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'experiment_id', referencedColumnName: 'id' },
  ])
  experiment?: Relation<StepExperiment>;
}
