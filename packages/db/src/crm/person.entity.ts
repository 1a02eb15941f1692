import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { Organisation } from '../iam/organisation.entity.js';

/** crm.people: a prospect (no e-mail here: addresses belong to positions). */
@Entity({ schema: 'crm', name: 'people' })
export class Person {
  @PrimaryColumn({ type: 'uuid', name: 'organisation_id' })
  organisationId!: string;

  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @TextColumn('first_name', { maxLength: 100, nullable: true })
  firstName!: string | null;

  @TextColumn('last_name', { maxLength: 100, nullable: true })
  lastName!: string | null;

  @TextColumn('linkedin_url', { maxLength: 2048, nullable: true })
  linkedinUrl!: string | null;

  @TextColumn('pharow_person_id', { maxLength: 100, nullable: true })
  pharowPersonId!: string | null;

  @TextColumn('city', { maxLength: 100, nullable: true })
  city!: string | null;

  @TextColumn('country', { nullable: true })
  country!: string | null;

  /** IANA time zone name (sending windows in the prospect's time). */
  @TextColumn('timezone', { nullable: true })
  timezone!: string | null;

  @Col('created_at', 'timestamptz')
  createdAt!: Date;

  @Col('updated_at', 'timestamptz')
  updatedAt!: Date;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id', referencedColumnName: 'id' })
  organisation?: Relation<Organisation>;
}
