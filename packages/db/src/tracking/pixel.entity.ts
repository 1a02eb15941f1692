import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { Organisation } from '../iam/organisation.entity.js';
import { Message } from '../outreach/message.entity.js';

/** tracking.pixels: Tracking pixel: token (organisation id + 144 random bits, set by a trigger when not given) to message. */
@Entity({ schema: 'tracking', name: 'pixels' })
export class Pixel {
  @PrimaryColumn({ type: 'uuid', name: 'organisation_id' })
  organisationId!: string;

  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @Col('message_id', 'uuid')
  messageId!: string;

  @TextColumn('token')
  token!: string;

  @Col('created_at', 'timestamptz')
  createdAt!: Date;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id', referencedColumnName: 'id' })
  organisation?: Relation<Organisation>;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'message_id', referencedColumnName: 'id' },
  ])
  message?: Relation<Message>;
}
