import { Inject, Injectable } from '@nestjs/common';
import type { Company, CursorCodec } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import { CURSOR_CODEC } from '../database/database.tokens.js';
import { TenantCrudService } from '../pagination/tenant-crud.service.js';

/** Sorts and filters are packages/db's (each backed by an organisation-first index). */
export type CompanySort = 'createdAt' | 'id' | 'name';
export type CompanyFilter = 'domain' | 'siren' | 'pharowCompanyId';

@Injectable()
export class CompaniesService extends TenantCrudService<Company, 'id', CompanySort, CompanyFilter> {
  constructor(database: TenantDatabase, @Inject(CURSOR_CODEC) codec: CursorCodec) {
    super(database, codec, (repositories) => repositories.companies, 'company');
  }
}
