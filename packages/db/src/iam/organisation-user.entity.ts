import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn } from '../columns.js';
import { Organisation } from './organisation.entity.js';
import {
  MEMBERSHIP_STATUSES,
  ORGANISATION_ROLES,
  type MembershipStatus,
  type OrganisationRole,
} from './organisation-role.js';
import { User } from './user.entity.js';

/** iam.organisation_users: a user's membership of an organisation, with a role. */
@Entity({ schema: 'iam', name: 'organisation_users' })
export class OrganisationUser {
  @PrimaryColumn({ type: 'uuid', name: 'organisation_id' })
  organisationId!: string;

  @PrimaryColumn({ type: 'uuid', name: 'user_id' })
  userId!: string;

  @EnumColumn('role', ORGANISATION_ROLES)
  role!: OrganisationRole;

  @EnumColumn('status', MEMBERSHIP_STATUSES)
  status!: MembershipStatus;

  @Col('created_at', 'timestamptz')
  createdAt!: Date;

  @Col('updated_at', 'timestamptz')
  updatedAt!: Date;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id', referencedColumnName: 'id' })
  organisation?: Relation<Organisation>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id' })
  user?: Relation<User>;
}
