import type { Person } from '@outreach/db';
import { TenantCrudController } from '../../crud/tenant-crud.controller.js';
import { CreatePersonDto } from './dto/create-person.dto.js';
import { DeletePersonQuery } from './dto/delete-person.query.js';
import { ListPeopleQuery } from './dto/list-people.query.js';
import { UpdatePersonDto } from './dto/update-person.dto.js';
import { PeopleService, type PersonFilter, type PersonSort } from './people.service.js';

/**
 * CRUD + keyset list of people under /organisations/:organisationId/people; DELETE takes
 * `?erase=true` (the right to erasure, PeopleService.remove).
 */
export const PeopleController = TenantCrudController<Person, PersonSort, PersonFilter>({
  resource: 'people',
  idParam: 'personId',
  name: 'PeopleController',
  service: PeopleService,
  createDto: CreatePersonDto,
  updateDto: UpdatePersonDto,
  listQuery: ListPeopleQuery,
  deleteQuery: DeletePersonQuery,
});
