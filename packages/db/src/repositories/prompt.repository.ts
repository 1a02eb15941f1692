import type { EntityManager } from 'typeorm';
import type { OrganisationId } from '../organisation-id.js';
import { Prompt } from '../outreach/prompt.entity.js';
import type { PromptPurpose } from '../outreach/prompt-purpose.js';
import { validateInput } from '../validation/input.validator.js';
import { hydrateAs, persistentValue, runQuery } from './entity-rows.js';

export interface PromptVersionInput {
  name: string;
  purpose: PromptPurpose;
  content: string;
  model?: string | null | undefined;
}

/**
 * outreach.prompts is insert-only: a change is a new version of the name. Every method takes the
 * organisation first and filters on it (RLS applies too).
 */
export class PromptRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /**
   * Inserts the next version of `name` (previous max + 1, or 1) and returns it. Concurrent
   * callers for the same name are serialized by a transaction-level advisory lock on
   * (organisation, name) — released at COMMIT/ROLLBACK, so it is safe behind pgBouncer in
   * transaction mode — taken in its own statement so that the INSERT's snapshot sees the version
   * the previous holder committed. The unique (organisation_id, name, version) constraint stays
   * the last word.
   */
  async createVersion(organisationId: OrganisationId, input: PromptVersionInput): Promise<Prompt> {
    const metadata = this.#manager.dataSource.getMetadata(Prompt);
    const pairs = validateInput(metadata, {
      name: input.name,
      purpose: input.purpose,
      content: input.content,
      model: input.model ?? null,
    });
    const value = (property: string): unknown => {
      const pair = pairs.find(([column]) => column.propertyName === property);
      return pair ? persistentValue(this.#manager, pair[0], pair[1]) : null;
    };
    await runQuery(
      this.#manager,
      `SELECT pg_advisory_xact_lock(hashtextextended('outreach.prompts:' || $1::text || ':' || $2::text, 0))`,
      [organisationId, value('name')],
    );
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `INSERT INTO outreach.prompts (organisation_id, name, version, purpose, content, model)
       SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5
         FROM outreach.prompts WHERE organisation_id = $1 AND name = $2
       RETURNING *`,
      [organisationId, value('name'), value('purpose'), value('content'), value('model')],
    );
    return hydrateAs(this.#manager, Prompt, rows[0] ?? {});
  }

  /**
   * The organisation's prompt for a purpose: the newest version written with that purpose
   * (across names: the last one written wins), or null when there is none.
   */
  async latestForPurpose(
    organisationId: OrganisationId,
    purpose: PromptPurpose,
  ): Promise<Prompt | null> {
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT * FROM outreach.prompts WHERE organisation_id = $1 AND purpose = $2
        ORDER BY created_at DESC, version DESC LIMIT 1`,
      [organisationId, purpose],
    );
    return rows[0] ? hydrateAs(this.#manager, Prompt, rows[0]) : null;
  }
}
