import { JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Prompt } from './prompt.entity.js';

/**
 * What an e-mail is written from — subject/body templates or a prompt — shared by
 * outreach.workflow_steps and outreach.step_experiment_variants (same columns, same limits).
 */
export abstract class EmailContentEntity extends MutableTenantEntity {
  @TextColumn('subject_template', { maxLength: 1_000, nullable: true })
  subjectTemplate!: string | null;

  @TextColumn('body_template', { maxLength: 100_000, nullable: true })
  bodyTemplate!: string | null;

  @Col('prompt_id', 'uuid', { nullable: true })
  promptId!: string | null;

  @ManyToOne(() => Prompt)
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'prompt_id', referencedColumnName: 'id' },
  ])
  prompt?: Relation<Prompt>;
}
