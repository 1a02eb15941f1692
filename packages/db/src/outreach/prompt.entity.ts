import { Entity } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { TenantEntity } from '../tenant-entity.base.js';
import { PROMPT_PURPOSES, type PromptPurpose } from './prompt-purpose.js';

/** outreach.prompts: A versioned prompt (name + version unique per organisation); immutable once written. */
@Entity({ schema: 'outreach', name: 'prompts' })
export class Prompt extends TenantEntity {
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
}
