import type pg from 'pg';
import { MigrationError } from './migration-error.js';

/**
 * Flyway's PostgreSQL lock key: the ASCII of "Flyway" (0x466C79776179) plus Java's
 * String.hashCode() of the quoted history table name. 77433833903597 for
 * "public"."flyway_schema_history".
 */
export function advisoryLockKey(qualifiedTable: string): bigint {
  let hash = 0;
  for (let i = 0; i < qualifiedTable.length; i += 1) {
    hash = (Math.imul(hash, 31) + qualifiedTable.charCodeAt(i)) | 0;
  }
  return 0x466c79776179n + BigInt(hash);
}

export interface LockOptions {
  retryCount: number;
  retryIntervalMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the transaction-scoped advisory lock on `lockClient` (BEGIN; pg_try_advisory_xact_lock),
 * retrying as Flyway does; the caller ends the transaction to release it.
 */
export async function acquireAdvisoryLock(
  lockClient: pg.ClientBase,
  key: bigint,
  options: LockOptions,
): Promise<void> {
  await lockClient.query('BEGIN');
  for (let attempt = 0; ; attempt += 1) {
    // Simple protocol on purpose: an extended-protocol portal keeps a snapshot (xmin) open for
    // the rest of the transaction, and CREATE INDEX CONCURRENTLY then waits for it forever.
    const result = await lockClient.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(${key.toString()}) AS locked`,
    );
    if (result.rows[0]?.locked === true) return;
    if (attempt >= options.retryCount) {
      await lockClient.query('ROLLBACK');
      throw new MigrationError(
        `another migrate holds the lock (PostgreSQL advisory lock ${key}): gave up after ${options.retryCount} retries; wait for it to finish, then run again`,
      );
    }
    await sleep(options.retryIntervalMs);
  }
}
