import type { Position } from '@outreach/db';
import { TenantCrudController } from '../../crud/tenant-crud.controller.js';
import { CreatePositionDto } from './dto/create-position.dto.js';
import { ListPositionsQuery } from './dto/list-positions.query.js';
import { UpdatePositionDto } from './dto/update-position.dto.js';
import { PositionsService, type PositionFilter, type PositionSort } from './positions.service.js';

/** CRUD + keyset list of positions under /organisations/:organisationId/positions. */
export const PositionsController = TenantCrudController<Position, PositionSort, PositionFilter>({
  resource: 'positions',
  idParam: 'positionId',
  name: 'PositionsController',
  service: PositionsService,
  createDto: CreatePositionDto,
  updateDto: UpdatePositionDto,
  listQuery: ListPositionsQuery,
});
