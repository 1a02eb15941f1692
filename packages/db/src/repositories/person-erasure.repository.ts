import type { EntityManager } from 'typeorm';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import { runQuery } from './entity-rows.js';

/** What an erasure did. */
export interface ErasureResult {
  /** The addresses of the person's positions, now suppressed with reason `erased`. */
  suppressedAddresses: string[];
  positionsDeleted: number;
  messagesDeleted: number;
}

const ERASE = `
WITH target AS (
  SELECT id FROM crm.people WHERE organisation_id = $1 AND id = $2 FOR UPDATE
),
addresses AS (
  SELECT DISTINCT lower(p.email::text) AS email
    FROM crm.positions p JOIN target t ON p.person_id = t.id
   WHERE p.organisation_id = $1 AND p.email IS NOT NULL
),
-- Messages to or from those addresses that no position links (e.g. an inbound reply matched to
-- nothing) lose their content; the ones of the person's positions go with the positions.
scrubbed AS (
  UPDATE outreach.messages m SET subject = NULL, body_text = NULL, body_html = NULL, from_name = NULL
   WHERE m.organisation_id = $1 AND m.position_id IS NULL
     AND (lower(m.to_email::text) IN (SELECT email FROM addresses)
       OR lower(m.from_email::text) IN (SELECT email FROM addresses))
  RETURNING 1
),
counted AS (
  SELECT (SELECT count(*) FROM crm.positions p JOIN target t ON p.person_id = t.id
            WHERE p.organisation_id = $1)::int AS positions,
         (SELECT count(*) FROM outreach.messages m JOIN crm.positions p
              ON p.organisation_id = m.organisation_id AND p.id = m.position_id
            JOIN target t ON p.person_id = t.id
            WHERE m.organisation_id = $1)::int AS messages
)
SELECT (SELECT count(*) FROM target)::int AS found,
       coalesce((SELECT array_agg(email ORDER BY email) FROM addresses), '{}') AS addresses,
       (SELECT positions FROM counted) AS positions,
       (SELECT messages FROM counted) AS messages,
       (SELECT count(*) FROM scrubbed)::int AS scrubbed`;

/**
 * The right to erasure (GDPR art. 17) for one person: their positions, the messages of those
 * positions (bodies included: the rows go) and the person are deleted; each of their addresses
 * is kept only as a suppression with reason `erased` (replacing any other reason for it), so no
 * later import or send brings it back. Messages to or from those addresses that no position
 * links keep their metadata but lose subject, bodies and sender name. One transaction.
 */
export class PersonErasureRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /** null when the organisation has no such person. */
  async erase(organisationId: OrganisationId, personId: string): Promise<ErasureResult | null> {
    if (!isUuid(personId)) return null;
    const [row] = await runQuery<
      { found: number; addresses: string[]; positions: number; messages: number }[]
    >(this.#manager, ERASE, [organisationId, personId]);
    if (!row || row.found === 0) return null;
    await runQuery(
      this.#manager,
      `DELETE FROM delivery.suppressions
        WHERE organisation_id = $1 AND kind = 'email'
          AND value_key = ANY (ARRAY(SELECT lower(a) FROM unnest($2::text[]) AS a))`,
      [organisationId, row.addresses],
    );
    await runQuery(
      this.#manager,
      `INSERT INTO delivery.suppressions (organisation_id, kind, value, reason, note)
       SELECT $1, 'email', email, 'erased', 'right to erasure' FROM unnest($2::text[]) AS email`,
      [organisationId, row.addresses],
    );
    await runQuery(this.#manager, 'DELETE FROM crm.people WHERE organisation_id = $1 AND id = $2', [
      organisationId,
      personId,
    ]);
    return {
      suppressedAddresses: row.addresses,
      positionsDeleted: row.positions,
      messagesDeleted: row.messages,
    };
  }
}
