import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { TenantEntity } from '../tenant-entity.base.js';
import { Import } from './import.entity.js';

/** imports.import_row_errors: one refused cell or row of an import (insert-only). */
@Entity({ schema: 'imports', name: 'import_row_errors' })
export class ImportRowError extends TenantEntity {
  @Col('import_id', 'uuid')
  importId!: string;

  @Col('row_number', 'integer')
  rowNumber!: number;

  /** The column as written in the file ('' for a whole-row error such as a wrong cell count). */
  @TextColumn('column_name', { maxLength: 300 })
  columnName!: string;

  @TextColumn('value', { maxLength: 2_000 })
  value!: string;

  @TextColumn('reason', { maxLength: 500 })
  reason!: string;

  @ManyToOne(() => Import, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'import_id', referencedColumnName: 'id' },
  ])
  import?: Relation<Import>;
}
