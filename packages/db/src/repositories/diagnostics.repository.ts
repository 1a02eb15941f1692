import type { EntityManager } from 'typeorm';
import { runQuery } from './entity-rows.js';

/** What the database sees inside the current transaction (heartbeats, health probes). */
export interface TransactionSnapshot {
  /** `app.organisation_id` as the row-level security policies read it; null when unset. */
  organisationId: string | null;
  databaseTime: Date;
}

/** Read-only probes of the transaction a repository set is bound to. */
export class DiagnosticsRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  async snapshot(): Promise<TransactionSnapshot> {
    const rows = await runQuery<{ organisation_id: string; database_time: Date }[]>(
      this.#manager,
      `SELECT nullif(current_setting('app.organisation_id', true), '') AS organisation_id,
              now() AS database_time`,
      [],
    );
    const row = rows[0];
    if (!row) throw new Error('transaction snapshot returned no row');
    return { organisationId: row.organisation_id, databaseTime: row.database_time };
  }
}
