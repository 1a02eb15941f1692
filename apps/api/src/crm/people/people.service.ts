import { Injectable } from '@nestjs/common';
import type { Person } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import { TenantCrudService } from '../../crud/tenant-crud.service.js';

/** Sorts and filters are packages/db's (each backed by an organisation-first index). */
export type PersonSort = 'createdAt' | 'id';
export type PersonFilter = 'linkedinUrl' | 'pharowPersonId';

@Injectable()
export class PeopleService extends TenantCrudService<Person, 'id', PersonSort, PersonFilter> {
  constructor(database: TenantDatabase) {
    super(database, (repositories) => repositories.people, 'person');
  }
}
