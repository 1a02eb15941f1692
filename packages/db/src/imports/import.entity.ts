import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { OrganisationUser } from '../iam/organisation-user.entity.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import {
  IMPORT_DELIMITERS,
  IMPORT_ENCODINGS,
  IMPORT_STATUSES,
  LEGAL_BASES,
  type ImportColumnMapping,
  type ImportDelimiter,
  type ImportEncoding,
  type ImportStatus,
  type LegalBasis,
} from './import-values.js';

/** imports.imports: one uploaded file, its column mapping, progress and per-entity counts. */
@Entity({ schema: 'imports', name: 'imports' })
export class Import extends MutableTenantEntity {
  @EnumColumn('status', IMPORT_STATUSES)
  status!: ImportStatus;

  @TextColumn('file_name', { maxLength: 255 })
  fileName!: string;

  /** Bytes. */
  @Col('file_size', 'integer')
  fileSize!: number;

  @EnumColumn('encoding', IMPORT_ENCODINGS)
  encoding!: ImportEncoding;

  @EnumColumn('delimiter', IMPORT_DELIMITERS)
  delimiter!: ImportDelimiter;

  @Col('column_mapping', 'jsonb')
  columnMapping!: ImportColumnMapping;

  @TextColumn('pharow_list_name', { maxLength: 200, nullable: true })
  pharowListName!: string | null;

  @EnumColumn('legal_basis', LEGAL_BASES)
  legalBasis!: LegalBasis;

  @Col('created_by', 'uuid', { nullable: true })
  createdBy!: string | null;

  @Col('rows_total', 'integer')
  rowsTotal!: number;

  @Col('rows_validated', 'integer')
  rowsValidated!: number;

  @Col('rows_merged', 'integer')
  rowsMerged!: number;

  @Col('rows_rejected', 'integer')
  rowsRejected!: number;

  @Col('rows_erased', 'integer')
  rowsErased!: number;

  @Col('companies_created', 'integer')
  companiesCreated!: number;

  @Col('companies_updated', 'integer')
  companiesUpdated!: number;

  @Col('companies_unchanged', 'integer')
  companiesUnchanged!: number;

  @Col('people_created', 'integer')
  peopleCreated!: number;

  @Col('people_updated', 'integer')
  peopleUpdated!: number;

  @Col('people_unchanged', 'integer')
  peopleUnchanged!: number;

  @Col('positions_created', 'integer')
  positionsCreated!: number;

  @Col('positions_updated', 'integer')
  positionsUpdated!: number;

  @Col('positions_unchanged', 'integer')
  positionsUnchanged!: number;

  @Col('positions_suppressed', 'integer')
  positionsSuppressed!: number;

  @TextColumn('error', { maxLength: 2_000, nullable: true })
  error!: string | null;

  @Col('started_at', 'timestamptz', { nullable: true })
  startedAt!: Date | null;

  @Col('finished_at', 'timestamptz', { nullable: true })
  finishedAt!: Date | null;

  @ManyToOne(() => OrganisationUser, { onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'created_by', referencedColumnName: 'userId' },
  ])
  creator?: Relation<OrganisationUser>;
}
