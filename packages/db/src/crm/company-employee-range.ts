/** crm.companies.employee_range (CHECK companies_employee_range_check): INSEE headcount bands. */
export const COMPANY_EMPLOYEE_RANGES = [
  '0',
  '1-2',
  '3-5',
  '6-9',
  '10-19',
  '20-49',
  '50-99',
  '100-199',
  '200-249',
  '250-499',
  '500-999',
  '1000-1999',
  '2000-4999',
  '5000-9999',
  '10000+',
] as const;
export type CompanyEmployeeRange = (typeof COMPANY_EMPLOYEE_RANGES)[number];
