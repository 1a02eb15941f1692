import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col } from '../columns.js';
import { TenantEntity } from '../tenant-entity.base.js';
import { Import } from './import.entity.js';

/**
 * imports.import_rows: a run of staged data rows (insert-only): `rowNumber` is the run's first
 * row, `cells` its rows' cells (the import repository writes and unpacks the runs).
 */
@Entity({ schema: 'imports', name: 'import_rows' })
export class ImportRow extends TenantEntity {
  @Col('import_id', 'uuid')
  importId!: string;

  /** The run's first data row (1 = the first line after the header). */
  @Col('row_number', 'integer')
  rowNumber!: number;

  @Col('cells', 'jsonb')
  cells!: string[][];

  @ManyToOne(() => Import, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'import_id', referencedColumnName: 'id' },
  ])
  import?: Relation<Import>;
}
