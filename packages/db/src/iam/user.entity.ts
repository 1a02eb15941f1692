import { Entity, PrimaryColumn } from 'typeorm';
import { Col, TextColumn } from '../columns.js';

/** iam.users: global identities (authentication is an external identity provider). */
@Entity({ schema: 'iam', name: 'users' })
export class User {
  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @TextColumn('email', { type: 'citext', maxLength: 254 })
  email!: string;

  @TextColumn('first_name', { maxLength: 100, nullable: true })
  firstName!: string | null;

  @TextColumn('last_name', { maxLength: 100, nullable: true })
  lastName!: string | null;

  @TextColumn('idp_subject', { maxLength: 255, nullable: true })
  idpSubject!: string | null;

  @Col('created_at', 'timestamptz')
  createdAt!: Date;

  @Col('updated_at', 'timestamptz')
  updatedAt!: Date;
}
