import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { Organisation } from '../iam/organisation.entity.js';
import { PROMPT_PURPOSES, type PromptPurpose } from './prompt-purpose.js';

/** outreach.prompts: A versioned prompt (name + version unique per organisation); immutable once written. */
@Entity({ schema: 'outreach', name: 'prompts' })
export class Prompt {
  @PrimaryColumn({ type: 'uuid', name: 'organisation_id' })
  organisationId!: string;

  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @TextColumn('name', { maxLength: 200 })
  name!: string;

  @Col('version', 'integer')
  version!: number;

  @EnumColumn('purpose', PROMPT_PURPOSES)
  purpose!: PromptPurpose;

  @TextColumn('content', { maxLength: 100_000 })
  content!: string;

  @TextColumn('model', { maxLength: 100, nullable: true })
  model!: string | null;

  @Col('created_at', 'timestamptz')
  createdAt!: Date;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id', referencedColumnName: 'id' })
  organisation?: Relation<Organisation>;
}
