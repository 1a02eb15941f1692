import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { Import } from '../imports/import.entity.js';
import { LEGAL_BASES, type LegalBasis } from '../imports/import-values.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Company } from './company.entity.js';
import { Person } from './person.entity.js';
import {
  POSITION_EMAIL_STATUSES,
  POSITION_STATUSES,
  type PositionEmailStatus,
  type PositionStatus,
} from './position-status.js';

/** crm.positions: one person at one company, with the e-mail address to prospect. */
@Entity({ schema: 'crm', name: 'positions' })
export class Position extends MutableTenantEntity {
  @Col('person_id', 'uuid')
  personId!: string;

  @Col('company_id', 'uuid')
  companyId!: string;

  @TextColumn('title', { maxLength: 300, nullable: true })
  title!: string | null;

  @TextColumn('email', { type: 'citext', maxLength: 254, nullable: true })
  email!: string | null;

  @EnumColumn('email_status', POSITION_EMAIL_STATUSES)
  emailStatus!: PositionEmailStatus;

  /** 0 to 100. */
  @Col('email_reliability', 'smallint', { nullable: true })
  emailReliability!: number | null;

  @EnumColumn('status', POSITION_STATUSES)
  status!: PositionStatus;

  @TextColumn('pharow_list_name', { maxLength: 200, nullable: true })
  pharowListName!: string | null;

  /** The import that last created or changed this position (provenance). */
  @Col('source_import_id', 'uuid', { nullable: true })
  sourceImportId!: string | null;

  /** GDPR art. 6 basis of processing the address (imports: legitimate_interest by default). */
  @EnumColumn('legal_basis', LEGAL_BASES, { nullable: true })
  legalBasis!: LegalBasis | null;

  @ManyToOne(() => Person, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'person_id', referencedColumnName: 'id' },
  ])
  person?: Relation<Person>;

  @ManyToOne(() => Company, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'company_id', referencedColumnName: 'id' },
  ])
  company?: Relation<Company>;

  @ManyToOne(() => Import, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'source_import_id', referencedColumnName: 'id' },
  ])
  sourceImport?: Relation<Import>;
}
