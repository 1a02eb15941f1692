import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Message } from '../outreach/message.entity.js';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { TenantEntity } from '../tenant-entity.base.js';
import {
  SUPPRESSION_KINDS,
  SUPPRESSION_REASONS,
  type SuppressionKind,
  type SuppressionReason,
} from './delivery-values.js';

/** delivery.suppressions: never send again to an address (kind email) or a domain. Insert-only. */
@Entity({ schema: 'delivery', name: 'suppressions' })
export class Suppression extends TenantEntity {
  @EnumColumn('kind', SUPPRESSION_KINDS)
  kind!: SuppressionKind;

  /** The address (kind email) or the domain, compared case-insensitively (citext). */
  @TextColumn('value', { type: 'citext', maxLength: 320 })
  value!: string;

  /** lower(value) as text (generated): the look-up key, leakproof under row-level security. */
  @Col('value_key', 'text', { nullable: true, insert: false, update: false })
  readonly valueKey!: string | null;

  @EnumColumn('reason', SUPPRESSION_REASONS)
  reason!: SuppressionReason;

  @Col('source_message_id', 'uuid', { nullable: true })
  sourceMessageId!: string | null;

  @TextColumn('note', { maxLength: 1_000, nullable: true })
  note!: string | null;

  @ManyToOne(() => Message, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'source_message_id', referencedColumnName: 'id' },
  ])
  sourceMessage?: Relation<Message>;
}
