import { Col } from './columns.js';
import { TenantEntity } from './tenant-entity.base.js';

/** A tenant table whose rows change: `updated_at`, kept by the set_updated_at trigger. */
export abstract class MutableTenantEntity extends TenantEntity {
  @Col('updated_at', 'timestamptz')
  updatedAt!: Date;
}
