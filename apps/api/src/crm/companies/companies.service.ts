import { Injectable } from '@nestjs/common';
import type { Company } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import { TenantCrudService } from '../../crud/tenant-crud.service.js';

/** Sorts and filters are packages/db's (each backed by an organisation-first index). */
export type CompanySort = 'createdAt' | 'id' | 'name';
export type CompanyFilter = 'domain' | 'siren' | 'pharowCompanyId';

@Injectable()
export class CompaniesService extends TenantCrudService<Company, 'id', CompanySort, CompanyFilter> {
  constructor(database: TenantDatabase) {
    super(database, (repositories) => repositories.companies, 'company');
  }
}
