import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col } from '../columns.js';
import { TenantEntity } from '../tenant-entity.base.js';
import { CampaignEnrollment } from './campaign-enrollment.entity.js';
import { StepExperimentVariant } from './step-experiment-variant.entity.js';

/** outreach.enrollment_step_variant_assignments: the stable variant an enrollment got for an experiment (one per enrollment and experiment). */
@Entity({ schema: 'outreach', name: 'enrollment_step_variant_assignments' })
export class EnrollmentStepVariantAssignment extends TenantEntity {
  @Col('enrollment_id', 'uuid')
  enrollmentId!: string;

  @Col('experiment_id', 'uuid')
  experimentId!: string;

  @Col('variant_id', 'uuid')
  variantId!: string;

  @ManyToOne(() => CampaignEnrollment, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'enrollment_id', referencedColumnName: 'id' },
  ])
  enrollment?: Relation<CampaignEnrollment>;

  @ManyToOne(() => StepExperimentVariant, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'experiment_id', referencedColumnName: 'experimentId' },
    { name: 'variant_id', referencedColumnName: 'id' },
  ])
  variant?: Relation<StepExperimentVariant>;
}
