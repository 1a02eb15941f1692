import { Inject, Injectable } from '@nestjs/common';
import type { Person, CursorCodec } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import { CURSOR_CODEC } from '../database/database.tokens.js';
import { TenantCrudService } from '../pagination/tenant-crud.service.js';

/** Sorts and filters are packages/db's (each backed by an organisation-first index). */
export type PersonSort = 'createdAt' | 'id';
export type PersonFilter = 'linkedinUrl' | 'pharowPersonId';

@Injectable()
export class PeopleService extends TenantCrudService<Person, 'id', PersonSort, PersonFilter> {
  constructor(database: TenantDatabase, @Inject(CURSOR_CODEC) codec: CursorCodec) {
    super(database, codec, (repositories) => repositories.people, 'person');
  }
}
