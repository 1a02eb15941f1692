import { JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col } from './columns.js';
import { Organisation } from './iam/organisation.entity.js';

/**
 * What every tenant table shares: primary key `(organisation_id, id)`, `created_at`, and the
 * foreign key to iam.organisations. Not an entity itself; the entities extend it.
 */
export abstract class TenantEntity {
  @PrimaryColumn({ type: 'uuid', name: 'organisation_id' })
  organisationId!: string;

  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @Col('created_at', 'timestamptz')
  createdAt!: Date;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id', referencedColumnName: 'id' })
  organisation?: Relation<Organisation>;
}
