import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { getTenantContext, type TenantContext } from '../context/tenant-context.js';
import { TENANCY_OPTIONS, type TenancyOptions } from '../tenancy.options.js';
import { currentTenantManager, runInTenantScope } from './tenant-scope.js';

/** Access to the tenant transaction for services and job processors. */
@Injectable()
export class TenantDatabase {
  private readonly dataSource: DataSource;

  constructor(@Inject(TENANCY_OPTIONS) options: TenancyOptions) {
    this.dataSource = options.dataSource;
  }

  /** The current request's (or job's) tenant transaction; throws outside one. */
  manager(): EntityManager {
    return currentTenantManager();
  }

  /** A tenant transaction for the current tenant context (jobs, after enterJobContext). */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return runInTenantScope(this.dataSource, getTenantContext(), work);
  }

  /** A tenant transaction for an explicit context (creating an organisation: its id is new). */
  transactionFor<T>(
    context: TenantContext,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return runInTenantScope(this.dataSource, context, work);
  }
}
