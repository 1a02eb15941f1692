import type { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';
import { statementTimeoutOf } from './data-source.factory.js';
import type { OrganisationId } from './organisation-id.js';

export interface TenantTransactionOptions {
  isolationLevel?: IsolationLevel;
}

/**
 * Runs `work` in one transaction bound to one organisation: the first statement sets
 * `app.organisation_id` (read by the row-level security policies) and `statement_timeout`,
 * both transaction-local (`set_config(…, true)`, i.e. SET LOCAL), so nothing leaks to the next
 * client of a pgBouncer server connection. Commits when `work` resolves, rolls back when it throws.
 */
export async function runInTenantTransaction<T>(
  dataSource: DataSource,
  organisationId: OrganisationId,
  work: (manager: EntityManager) => Promise<T>,
  options: TenantTransactionOptions = {},
): Promise<T> {
  const timeout = String(statementTimeoutOf(dataSource));
  const body = async (manager: EntityManager): Promise<T> => {
    await manager.query(
      `SELECT set_config('app.organisation_id', $1, true), set_config('statement_timeout', $2, true)`,
      [organisationId, timeout],
    );
    return work(manager);
  };
  return options.isolationLevel
    ? dataSource.transaction(options.isolationLevel, body)
    : dataSource.transaction(body);
}
