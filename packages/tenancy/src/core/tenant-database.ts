import { Inject, Injectable } from '@nestjs/common';
import {
  OrganisationRepository,
  runTenantStatement,
  runTenantStatements,
  type OpeningRead,
  type OrganisationId,
  type Repositories,
  type StatementMerge,
} from '@outreach/db';
import { enterJobContext, UnknownOrganisationError } from './job-context.js';
import { getTenantContext, runInTenantContext, type TenantContext } from './tenant-context.js';
import {
  currentTenantScope,
  runInTenantScope,
  runInTenantScopeWith,
  type TenantScope,
  type TenantScopeDatabase,
} from './tenant-scope.js';

/** A statement waiting for its batch (batchedStatement). */
interface PendingStatement {
  /** Its `batch` name: the statements of one kind can merge into one. */
  kind: string;
  statement: OpeningRead<unknown>;
  order: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The pending statements by kind, the kinds in name order and each kind's statements in the
 * order of their `order`: every batch takes its locks in that one order.
 */
function byKind(pending: readonly PendingStatement[]): PendingStatement[][] {
  const kinds = new Map<string, PendingStatement[]>();
  for (const entry of pending) {
    const kind = kinds.get(entry.kind);
    if (kind) kind.push(entry);
    else kinds.set(entry.kind, [entry]);
  }
  return [...kinds.keys()]
    .sort()
    .map((kind) =>
      (kinds.get(kind) ?? []).sort((left, right) =>
        left.order < right.order ? -1 : left.order > right.order ? 1 : 0,
      ),
    );
}

/**
 * Runs a batch of statements, of one or several kinds, in one round trip and one transaction:
 * each kind as ONE statement when it has several statements and every one of them can merge
 * (OpeningRead.merge: e.g. a function taking them as an array), else one after the other.
 * Resolves with each statement's answer, in the order of `groups`; throws when the batch failed
 * (rolled back as a whole). A batch committed whose answers cannot be matched gives every
 * statement an error (never run again).
 */
async function runBatch(
  dataSource: TenantScopeDatabase['dataSource'],
  organisationId: OrganisationId,
  groups: readonly (readonly PendingStatement[])[],
): Promise<Array<() => unknown>> {
  const sqls: string[] = [];
  const readers: Array<(results: Array<Record<string, unknown>[]>) => Array<() => unknown>> = [];
  for (const group of groups) {
    const merges = group.map(({ statement }) => statement.merge);
    const [first] = merges;
    const at = sqls.length;
    if (group.length > 1 && first && merges.every((merge) => merge !== undefined)) {
      sqls.push(first.sql(merges.map((merge) => merge.item)));
      readers.push((results) =>
        group.map(
          ({ statement }, index) =>
            () =>
              (statement.merge as StatementMerge<unknown>).read(results[at] ?? [], index),
        ),
      );
    } else {
      sqls.push(...group.map(({ statement }) => statement.sql));
      readers.push((results) =>
        group.map(
          ({ statement }, index) =>
            () =>
              statement.read(results[at + index] ?? []),
        ),
      );
    }
  }
  const results = await runTenantStatements(dataSource, organisationId, sqls);
  if (results.length !== sqls.length) {
    const error = new Error(
      `a batch of ${String(sqls.length)} statements gave ${String(results.length)} results`,
    );
    return groups.flat().map(() => () => {
      throw error;
    });
  }
  return readers.flatMap((reader) => reader(results));
}

/**
 * How many batches of one organisation run at once (batchedStatement). One: while a batch runs,
 * the next one gathers what arrives, whatever its name (on the send bench the engine's three
 * kinds go together: 0.31 PostgreSQL round trips per mail, against 0.91 with a batch in flight
 * per kind). The cost: a batch waiting on a lock (a mailbox near its cap, say) holds back that
 * organisation's next batch, for at most the statement timeout.
 */
const BATCHES_IN_FLIGHT = 1;

/** The statements of one organisation waiting to run together. */
interface Batch {
  organisationId: OrganisationId;
  pending: PendingStatement[];
}

/** Injection token of the TenantScopeDatabase (DataSource + cursor codec) DatabaseModule builds. */
export const TENANT_SCOPE_DATABASE = Symbol.for('outreach.tenancy.tenantScopeDatabase');

/**
 * The tenant database handle for services and job processors: the repositories of the
 * current request's (or job's) tenant transaction, or a new tenant transaction for the
 * current context. There is no other way to the tenant tables.
 */
@Injectable()
export class TenantDatabase {
  private readonly batches = new Map<string, Batch>();
  /** Batches running, by organisation and batch name. */
  private readonly inFlight = new Map<string, number>();

  constructor(@Inject(TENANT_SCOPE_DATABASE) private readonly database: TenantScopeDatabase) {}

  /** The organisation of the current context. */
  organisationId(): OrganisationId {
    return getTenantContext().organisationId;
  }

  /** The repositories of the tenant transaction in progress; throws outside one. */
  repositories(): Repositories {
    return this.scope().repositories;
  }

  /** The tenant transaction in progress; throws outside one. */
  scope(): TenantScope {
    return currentTenantScope();
  }

  /** A tenant transaction for the current tenant context (jobs, after enterJobContext). */
  async transaction<T>(work: (scope: TenantScope) => Promise<T>): Promise<T> {
    return runInTenantScope(this.database, getTenantContext().organisationId, work);
  }

  /**
   * One statement built by a repository (e.g. SendTaskRepository.recordSentStatement) in its own
   * transaction, for the current tenant context, in ONE round trip (runTenantStatement).
   */
  statement<R>(statement: OpeningRead<R>): Promise<R> {
    return runTenantStatement(
      this.database.dataSource,
      getTenantContext().organisationId,
      statement,
    );
  }

  /**
   * statement(), coalesced: the statements of one organisation issued during the same turn of
   * the event loop — or while its previous batch ran — go to PostgreSQL as ONE round trip and ONE
   * transaction (runTenantStatements), whatever their `batch` name; the statements of one name
   * as ONE statement when they can merge (OpeningRead.merge: the engine's are functions taking
   * the whole batch as an array, so that PostgreSQL writes each table once for all of them).
   * Should that fail, nothing of it was committed and each statement runs again on its own, so
   * every caller gets its own statement's answer or error. Only for single statements whose rows
   * no other statement of the batch touches, or that lock shared rows in the order of `order`
   * (the names run in alphabetical order and each name's statements in `order`, so that
   * concurrent batches take those locks in one order): the engine's task reads, message writes
   * (ordered by mailbox, campaign, day and counter shard: the mailbox's lock, then its counter
   * rows) and records of sent messages. A deadlock nonetheless is a failed batch: each runs alone.
   */
  batchedStatement<R>(batch: string, statement: OpeningRead<R>, order = ''): Promise<R> {
    const organisationId = getTenantContext().organisationId;
    const key: string = organisationId;
    return new Promise<R>((resolve, reject) => {
      let entry = this.batches.get(key);
      if (!entry) {
        entry = { organisationId, pending: [] };
        this.batches.set(key, entry);
        this.schedule(key);
      }
      entry.pending.push({
        kind: batch,
        statement,
        order,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
  }

  /**
   * Flushes the key's batch at the end of this turn of the event loop — unless BATCHES_IN_FLIGHT
   * of its batches are already running: then it waits for one to end, gathering the statements
   * that arrive meanwhile (the busier the engine, the larger its batches).
   */
  private schedule(key: string): void {
    if ((this.inFlight.get(key) ?? 0) >= BATCHES_IN_FLIGHT) return;
    setImmediate(() => void this.flush(key));
  }

  private async flush(key: string): Promise<void> {
    const entry = this.batches.get(key);
    if (!entry) return;
    this.batches.delete(key);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      await this.run(entry);
    } finally {
      const running = (this.inFlight.get(key) ?? 1) - 1;
      if (running > 0) this.inFlight.set(key, running);
      else this.inFlight.delete(key);
      if (this.batches.has(key)) this.schedule(key);
    }
  }

  private async run(entry: Batch): Promise<void> {
    const { organisationId } = entry;
    const groups = byKind(entry.pending);
    const pending = groups.flat();
    const { dataSource } = this.database;
    if (pending.length > 1) {
      let answers: Array<() => unknown> | null = null;
      try {
        answers = await runBatch(dataSource, organisationId, groups);
      } catch {
        // Rolled back as a whole: each runs again alone, below.
      }
      if (answers !== null) {
        const read = answers;
        pending.forEach(({ resolve, reject }, index) => {
          try {
            resolve(read[index]?.());
          } catch (error) {
            reject(error);
          }
        });
        return;
      }
    }
    await Promise.all(
      pending.map(async ({ statement, resolve, reject }) => {
        try {
          resolve(await runTenantStatement(dataSource, organisationId, statement));
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  /**
   * Runs a tenant job: enters the context its payload names (InvalidJobPayloadError when it
   * names none or a malformed one), checks in one tenant statement (one round trip) that the
   * organisation exists (UnknownOrganisationError: forged or deleted), then runs `work` in that context.
   * `work` opens its own transactions (transaction()), so a job can keep slow I/O, an SMTP
   * call say, outside any of them. `checkOrganisation: false` leaves the check to `work`, whose
   * first read must then make it (and throw UnknownOrganisationError): the send job's read of
   * its task does, in the same round trip.
   */
  runJob<T>(
    payload: unknown,
    work: () => Promise<T>,
    options: { checkOrganisation?: boolean } = {},
  ): Promise<T> {
    return enterJobContext(payload, async () => {
      if (options.checkOrganisation === false) return work();
      const exists = await this.statement(
        OrganisationRepository.existsLookup(getTenantContext().organisationId),
      );
      if (!exists) {
        throw new UnknownOrganisationError(
          `job payload organisationId ${getTenantContext().organisationId} names no organisation`,
        );
      }
      return work();
    });
  }

  /**
   * Opens a transaction for `organisationId` whose opening round trip also runs `opening` (the
   * membership check of a request), asks `authorise` which context to enter from what it read,
   * then runs `work` in that context, in the same transaction. `authorise` throwing rolls back
   * and runs nothing.
   */
  enter<R, T>(
    organisationId: OrganisationId,
    opening: OpeningRead<R>,
    authorise: (opened: R | null, scope: TenantScope) => TenantContext,
    work: () => Promise<T>,
  ): Promise<T> {
    return runInTenantScopeWith(this.database, organisationId, opening, async (scope, opened) => {
      const context = authorise(opened, scope);
      if (context.organisationId !== organisationId) {
        throw new Error('tenant context must name the organisation of its transaction');
      }
      return runInTenantContext(context, work);
    });
  }

  /** Enters an explicit context and opens its transaction (creating an organisation: its id is new). */
  transactionFor<T>(context: TenantContext, work: (scope: TenantScope) => Promise<T>): Promise<T> {
    return runInTenantContext(context, () =>
      runInTenantScope(this.database, context.organisationId, work),
    );
  }
}
