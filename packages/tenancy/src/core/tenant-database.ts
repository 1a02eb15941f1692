import { Inject, Injectable } from '@nestjs/common';
import {
  OrganisationRepository,
  runTenantStatement,
  runTenantStatements,
  type OpeningRead,
  type OrganisationId,
  type Repositories,
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
  statement: OpeningRead<unknown>;
  order: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
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
  private readonly batches = new Map<
    string,
    { organisationId: OrganisationId; pending: PendingStatement[] }
  >();

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
   * statement(), coalesced: the statements of one organisation and one `batch` name issued during
   * the same turn of the event loop go to PostgreSQL as ONE round trip and ONE transaction
   * (runTenantStatements). Should that fail, nothing of it was committed and each statement runs
   * again on its own, so every caller gets its own statement's answer or error. Only for single
   * statements whose rows no other statement of the batch touches, or that lock shared rows in
   * the order of `order` (the batch runs in that order, so that concurrent batches take those
   * locks in one order): the engine's task reads, message writes (ordered by mailbox, campaign,
   * day and counter shard: the mailbox's lock, then its counter rows) and records of sent
   * messages. A deadlock nonetheless is a failed batch: each runs alone.
   */
  batchedStatement<R>(batch: string, statement: OpeningRead<R>, order = ''): Promise<R> {
    const organisationId = getTenantContext().organisationId;
    const key = `${organisationId}|${batch}`;
    return new Promise<R>((resolve, reject) => {
      let entry = this.batches.get(key);
      if (!entry) {
        entry = { organisationId, pending: [] };
        this.batches.set(key, entry);
        setImmediate(() => void this.flush(key));
      }
      entry.pending.push({
        statement,
        order,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
  }

  private async flush(key: string): Promise<void> {
    const entry = this.batches.get(key);
    if (!entry) return;
    this.batches.delete(key);
    const { organisationId } = entry;
    const pending = entry.pending.sort((left, right) =>
      left.order < right.order ? -1 : left.order > right.order ? 1 : 0,
    );
    const { dataSource } = this.database;
    if (pending.length > 1) {
      let rows: Array<Record<string, unknown>[]> | null = null;
      try {
        rows = await runTenantStatements(
          dataSource,
          organisationId,
          pending.map(({ statement }) => statement.sql),
        );
      } catch {
        // Rolled back as a whole: each runs again alone, below.
      }
      if (rows !== null && rows.length !== pending.length) {
        // Committed, yet the answers cannot be matched: never run them again.
        const error = new Error(
          `a batch of ${String(pending.length)} statements gave ${String(rows.length)} results`,
        );
        for (const { reject } of pending) reject(error);
        return;
      }
      if (rows !== null) {
        const answered = rows;
        pending.forEach(({ statement, resolve, reject }, index) => {
          try {
            resolve(statement.read(answered[index] ?? []));
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
