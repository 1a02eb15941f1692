import { Injectable } from '@nestjs/common';
import type { Position } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import { TenantCrudService } from '../../crud/tenant-crud.service.js';

/** Sorts and filters are packages/db's (each backed by an organisation-first index). */
export type PositionSort = 'createdAt' | 'id';
export type PositionFilter = 'companyId' | 'personId' | 'email';

@Injectable()
export class PositionsService extends TenantCrudService<
  Position,
  'id',
  PositionSort,
  PositionFilter
> {
  constructor(database: TenantDatabase) {
    super(database, (repositories) => repositories.positions, 'position');
  }
}
