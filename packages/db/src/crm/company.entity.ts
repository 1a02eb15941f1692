import { Entity } from 'typeorm';
import { EnumColumn, TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { COMPANY_EMPLOYEE_RANGES, type CompanyEmployeeRange } from './company-employee-range.js';

/** crm.companies: a prospect company (SIREN/NAF for French ones). */
@Entity({ schema: 'crm', name: 'companies' })
export class Company extends MutableTenantEntity {
  @TextColumn('name', { maxLength: 300 })
  name!: string;

  @TextColumn('website_url', { maxLength: 2048, nullable: true })
  websiteUrl!: string | null;

  @TextColumn('domain', { type: 'citext', maxLength: 253, nullable: true })
  domain!: string | null;

  @TextColumn('linkedin_url', { maxLength: 2048, nullable: true })
  linkedinUrl!: string | null;

  @TextColumn('pharow_company_id', { maxLength: 100, nullable: true })
  pharowCompanyId!: string | null;

  /** 9 digits, Luhn-valid (CHECK crm.is_valid_siren). */
  @TextColumn('siren', { nullable: true })
  siren!: string | null;

  /** NAF/APE code `NN.NNX`. */
  @TextColumn('naf_code', { nullable: true })
  nafCode!: string | null;

  @EnumColumn('employee_range', COMPANY_EMPLOYEE_RANGES, { nullable: true })
  employeeRange!: CompanyEmployeeRange | null;

  @TextColumn('address_line1', { maxLength: 200, nullable: true })
  addressLine1!: string | null;

  @TextColumn('address_line2', { maxLength: 200, nullable: true })
  addressLine2!: string | null;

  @TextColumn('postal_code', { nullable: true })
  postalCode!: string | null;

  @TextColumn('city', { maxLength: 100, nullable: true })
  city!: string | null;

  /** ISO 3166-1 alpha-2, default FR. */
  @TextColumn('country')
  country!: string;
}
