import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { TenantEntity } from '../tenant-entity.base.js';
import { Message } from '../outreach/message.entity.js';

/** tracking.pixels: token (organisation id + 144 random bits, set by a trigger when not given) to message. */
@Entity({ schema: 'tracking', name: 'pixels' })
export class Pixel extends TenantEntity {
  @Col('message_id', 'uuid')
  messageId!: string;

  @TextColumn('token')
  token!: string;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'message_id', referencedColumnName: 'id' },
  ])
  message?: Relation<Message>;
}
