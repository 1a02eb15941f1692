import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';
import { statementTimeoutOf } from './data-source.factory.js';
import { isUuid, type OrganisationId } from './organisation-id.js';

export interface TenantTransactionOptions {
  isolationLevel?: IsolationLevel;
}

const ISOLATION_LEVELS: readonly string[] = [
  'READ UNCOMMITTED',
  'READ COMMITTED',
  'REPEATABLE READ',
  'SERIALIZABLE',
];

/** TypeORM keeps the nesting depth protected; we open the outermost transaction ourselves. */
type DepthTracking = Omit<QueryRunner, 'isTransactionActive'> & {
  isTransactionActive: boolean;
  transactionDepth: number;
};

/**
 * Runs `work` in one transaction bound to one organisation: `app.organisation_id` (read by the
 * row-level security policies) and `statement_timeout` are set transaction-locally
 * (`set_config(…, true)`, i.e. SET LOCAL), so nothing leaks to the next client of a pgBouncer
 * server connection. Commits when `work` resolves, rolls back when it throws.
 *
 * Opening costs ONE round trip: `START TRANSACTION` and both settings go to the server as one
 * simple-protocol query (TypeORM's own `transaction()` would spend two or three). That is why
 * the values are written into the text: the organisation id is a validated UUID (checked again
 * here) and the timeout an integer, so nothing a caller typed reaches the SQL.
 */
export async function runInTenantTransaction<T>(
  dataSource: DataSource,
  organisationId: OrganisationId,
  work: (manager: EntityManager) => Promise<T>,
  options: TenantTransactionOptions = {},
): Promise<T> {
  if (!isUuid(organisationId)) {
    throw new Error(
      `tenant transaction needs a validated organisation id, got ${JSON.stringify(organisationId)}`,
    );
  }
  const isolation = options.isolationLevel;
  if (isolation !== undefined && !ISOLATION_LEVELS.includes(isolation)) {
    throw new Error(`unknown isolation level ${isolation}`);
  }
  const timeout = Math.trunc(statementTimeoutOf(dataSource));
  const runner = dataSource.createQueryRunner() as unknown as DepthTracking;
  try {
    try {
      await runner.query(
        `START TRANSACTION${isolation ? ` ISOLATION LEVEL ${isolation}` : ''}; ` +
          `SELECT set_config('app.organisation_id', '${organisationId}', true), ` +
          `set_config('statement_timeout', '${String(timeout)}', true)`,
      );
    } catch (error) {
      // Never hand a connection with a half-opened transaction back to the pool.
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    // From here TypeORM treats the runner as inside a transaction (nested calls use savepoints).
    runner.isTransactionActive = true;
    runner.transactionDepth = 1;
    let result: T;
    try {
      result = await work(runner.manager);
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    await runner.commitTransaction();
    return result;
  } finally {
    await runner.release();
  }
}
