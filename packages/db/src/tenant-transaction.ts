import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';
import { statementTimeoutOf } from './data-source.factory.js';
import { isUuid, type OrganisationId } from './organisation-id.js';

export interface TenantTransactionOptions {
  isolationLevel?: IsolationLevel;
}

/**
 * A read that rides in the transaction's opening round trip, after the settings (so row-level
 * security already applies to it). The opening message uses PostgreSQL's simple protocol, which
 * takes no parameters: build `sql` with literals escaped by `pg.escapeLiteral` (see
 * MembershipRepository.callerLookup), never by hand.
 */
export interface OpeningRead<R> {
  sql: string;
  read(rows: Record<string, unknown>[]): R;
  /** How statements of this kind run as ONE statement when batched (optional). */
  merge?: StatementMerge<R>;
}

/**
 * How a batch of statements of one kind (TenantDatabase.batchedStatement) runs as ONE statement
 * instead of one after the other: each statement gives its `item` (an SQL expression, literals
 * escaped as for `sql`), the first one's `sql` builds the statement that takes them all (e.g. a
 * function taking them as an array, which writes each table once), and each statement's `read`
 * finds its own answer among that statement's rows by its item's position (from 0).
 */
export interface StatementMerge<R> {
  item: string;
  sql(items: readonly string[]): string;
  read(rows: Record<string, unknown>[], index: number): R;
}

/** The pg client underneath a TypeORM query runner (only the simple-protocol call we need). */
interface SimpleQueryClient {
  query(
    text: string,
  ): Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;
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
  return runInTenantTransactionWith(
    dataSource,
    organisationId,
    null,
    (manager) => work(manager),
    options,
  );
}

/**
 * runInTenantTransaction whose opening round trip also runs `opening` (the api's membership
 * check): `work` receives what it read. Still one round trip to open.
 */
export async function runInTenantTransactionWith<R, T>(
  dataSource: DataSource,
  organisationId: OrganisationId,
  opening: OpeningRead<R> | null,
  work: (manager: EntityManager, opened: R | null) => Promise<T>,
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
    let opened: R | null = null;
    try {
      const settings =
        `START TRANSACTION${isolation ? ` ISOLATION LEVEL ${isolation}` : ''}; ` +
        `SELECT set_config('app.organisation_id', '${organisationId}', true), ` +
        `set_config('statement_timeout', '${String(timeout)}', true)`;
      if (opening) {
        const client = (await runner.connect()) as SimpleQueryClient;
        const results = await client.query(`${settings}; ${opening.sql}`);
        const last = Array.isArray(results) ? results.at(-1) : results;
        opened = opening.read(last?.rows ?? []);
      } else {
        await runner.query(settings);
      }
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
      result = await work(runner.manager, opened);
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

/**
 * Runs ONE tenant statement (or a few, `statement.sql`) in ONE round trip: the settings and the
 * statement go to the server as one simple-protocol query, which PostgreSQL runs as one implicit
 * transaction (committed when every statement succeeds, rolled back as a whole otherwise), so
 * `set_config(…, true)` confines the statement to the organisation and dies with it, as in
 * runInTenantTransaction — without its START TRANSACTION and COMMIT round trips. For the
 * engine's per-send writes that need nothing else in their transaction. The values in `sql` are
 * literals (simple protocol): see OpeningRead.
 */
export async function runTenantStatement<R>(
  dataSource: DataSource,
  organisationId: OrganisationId,
  statement: OpeningRead<R>,
): Promise<R> {
  const results = await simpleTenantQuery(dataSource, organisationId, statement.sql);
  const last = results.at(-1);
  return statement.read(last?.rows ?? []);
}

/**
 * Several single statements of one organisation as ONE transaction in ONE round trip (one
 * simple-protocol query, as runTenantStatement): all committed, or — any of them failing — all
 * rolled back and the error thrown. Returns the rows of each result in order; each `sql` should
 * be exactly one statement, so that there is one result per statement (the caller checks).
 */
export async function runTenantStatements(
  dataSource: DataSource,
  organisationId: OrganisationId,
  sqls: readonly string[],
): Promise<Array<Record<string, unknown>[]>> {
  const results = await simpleTenantQuery(dataSource, organisationId, sqls.join(';\n'));
  return results.slice(1).map((result) => result.rows);
}

async function simpleTenantQuery(
  dataSource: DataSource,
  organisationId: OrganisationId,
  sql: string,
): Promise<Array<{ rows: Record<string, unknown>[] }>> {
  if (!isUuid(organisationId)) {
    throw new Error(
      `tenant statement needs a validated organisation id, got ${JSON.stringify(organisationId)}`,
    );
  }
  const timeout = Math.trunc(statementTimeoutOf(dataSource));
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as SimpleQueryClient;
    const results = await client.query(
      `SELECT set_config('app.organisation_id', '${organisationId}', true), ` +
        `set_config('statement_timeout', '${String(timeout)}', true); ${sql}`,
    );
    return Array.isArray(results) ? results : [results];
  } finally {
    await runner.release();
  }
}
