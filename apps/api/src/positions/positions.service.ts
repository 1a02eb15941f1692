import { Inject, Injectable } from '@nestjs/common';
import type { Position, CursorCodec } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import { CURSOR_CODEC } from '../database/database.tokens.js';
import { TenantCrudService } from '../pagination/tenant-crud.service.js';

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
  constructor(database: TenantDatabase, @Inject(CURSOR_CODEC) codec: CursorCodec) {
    super(database, codec, (repositories) => repositories.positions, 'position');
  }
}
