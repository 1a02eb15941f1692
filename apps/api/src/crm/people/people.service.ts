import { Injectable, NotFoundException } from '@nestjs/common';
import type { Person } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import { TenantCrudService } from '../../crud/tenant-crud.service.js';
import type { DeletePersonQuery } from './dto/delete-person.query.js';

/** Sorts and filters are packages/db's (each backed by an organisation-first index). */
export type PersonSort = 'createdAt' | 'id';
export type PersonFilter = 'linkedinUrl' | 'pharowPersonId';

@Injectable()
export class PeopleService extends TenantCrudService<Person, 'id', PersonSort, PersonFilter> {
  constructor(private readonly tenantDatabase: TenantDatabase) {
    super(tenantDatabase, (repositories) => repositories.people, 'person');
  }

  /**
   * DELETE: a plain delete, or with `?erase=true` the right to erasure — the person, their
   * positions and those positions' messages go, and each of their addresses stays only as a
   * suppression with reason `erased`, so no import or send brings it back. 404 when the
   * organisation has no such person.
   */
  override async remove(personId: string, query?: DeletePersonQuery): Promise<void> {
    if (query?.erase !== 'true') return super.remove(personId);
    const erased = await this.tenantDatabase
      .repositories()
      .personErasure.erase(this.tenantDatabase.organisationId(), personId);
    if (!erased) throw new NotFoundException('person not found');
  }
}
