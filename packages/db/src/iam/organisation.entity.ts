import { Entity, PrimaryColumn } from 'typeorm';
import { Col, TextColumn } from '../columns.js';

/** iam.organisations: the tenants. `slug` is derived from `name` by a trigger when not given. */
@Entity({ schema: 'iam', name: 'organisations' })
export class Organisation {
  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @TextColumn('name', { maxLength: 200 })
  name!: string;

  @TextColumn('slug', { maxLength: 63 })
  slug!: string;

  /** Open tracking for the whole organisation (false: no pixel in any mail). */
  @Col('track_opens', 'boolean')
  trackOpens!: boolean;

  @Col('created_at', 'timestamptz')
  createdAt!: Date;

  @Col('updated_at', 'timestamptz')
  updatedAt!: Date;
}
