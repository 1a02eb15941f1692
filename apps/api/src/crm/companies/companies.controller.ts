import type { Company } from '@outreach/db';
import { TenantCrudController } from '../../crud/tenant-crud.controller.js';
import { CreateCompanyDto } from './dto/create-company.dto.js';
import { ListCompaniesQuery } from './dto/list-companies.query.js';
import { UpdateCompanyDto } from './dto/update-company.dto.js';
import { CompaniesService, type CompanyFilter, type CompanySort } from './companies.service.js';

/** CRUD + keyset list of companies under /organisations/:organisationId/companies. */
export const CompaniesController = TenantCrudController<Company, CompanySort, CompanyFilter>({
  resource: 'companies',
  idParam: 'companyId',
  name: 'CompaniesController',
  service: CompaniesService,
  createDto: CreateCompanyDto,
  updateDto: UpdateCompanyDto,
  listQuery: ListCompaniesQuery,
});
