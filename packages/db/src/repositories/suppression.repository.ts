import type { EntityManager } from 'typeorm';
import { Suppression } from '../delivery/suppression.entity.js';
import {
  SUPPRESSION_KINDS,
  SUPPRESSION_REASONS,
  type SuppressionKind,
  type SuppressionReason,
} from '../delivery/delivery-values.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import type { OrganisationId } from '../organisation-id.js';
import { hydrateAs, runQuery } from './entity-rows.js';

/** One suppression to add: an address (kind email) or a domain, normalised by the caller. */
export interface SuppressionEntry {
  kind: SuppressionKind;
  value: string;
  reason: SuppressionReason;
  note?: string | null | undefined;
  sourceMessageId?: string | null | undefined;
}

/** Rows per INSERT statement of `addMany` (five parameter arrays, whatever the batch size). */
export const SUPPRESSION_BATCH_SIZE = 5_000;

const INSERT_MANY = `
  WITH added AS (
    INSERT INTO delivery.suppressions (organisation_id, kind, value, reason, note, source_message_id)
    SELECT $1, kind, value, reason, note, source_message_id
      FROM unnest($2::text[], $3::citext[], $4::text[], $5::text[], $6::uuid[])
        AS entry(kind, value, reason, note, source_message_id)
    ON CONFLICT (organisation_id, kind, value_key) DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::int AS added FROM added`;

/** `findByValue`: the entry of a kind and value, by its unique key (value_key = lower(value)). */
export const FIND_BY_VALUE =
  'SELECT * FROM delivery.suppressions WHERE organisation_id = $1 AND kind = $2 AND value_key = lower($3)';

/** `isSuppressed`: the address ($2) or one of its domains ($3), by the unique key. */
export const IS_SUPPRESSED = `SELECT EXISTS (
         SELECT 1 FROM delivery.suppressions
          WHERE organisation_id = $1
            AND ((kind = 'email' AND value_key = lower($2))
              OR (kind = 'domain' AND value_key = ANY (ARRAY(SELECT lower(d) FROM unnest($3::text[]) AS d))))
       ) AS suppressed`;

/**
 * delivery.suppressions, set-based: the suppression list the api fills (one entry or a CSV of
 * 100,000) and the engine reads before every enrolment and send. Every method takes the
 * organisation first; the per-row CRUD (list, find, delete) is `repos.suppressions`.
 */
export class SuppressionRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /**
   * Adds one entry; null when the organisation already suppresses this kind and value (nothing
   * changes: call `findByValue` to name the existing entry).
   */
  async add(organisationId: OrganisationId, entry: SuppressionEntry): Promise<Suppression | null> {
    checkEntry(entry);
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `INSERT INTO delivery.suppressions (organisation_id, kind, value, reason, note, source_message_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (organisation_id, kind, value_key) DO NOTHING
       RETURNING *`,
      [
        organisationId,
        entry.kind,
        entry.value,
        entry.reason,
        entry.note ?? null,
        entry.sourceMessageId ?? null,
      ],
    );
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  /**
   * Adds every entry not suppressed yet, in batches of SUPPRESSION_BATCH_SIZE rows
   * (`INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING`): returns how many were new.
   * Duplicates inside `entries` count once. Run it in one transaction: a failing batch
   * (e.g. a value the CHECK refuses) aborts it, so nothing is added.
   */
  async addMany(
    organisationId: OrganisationId,
    entries: readonly SuppressionEntry[],
  ): Promise<number> {
    let added = 0;
    for (let start = 0; start < entries.length; start += SUPPRESSION_BATCH_SIZE) {
      const batch = entries.slice(start, start + SUPPRESSION_BATCH_SIZE);
      batch.forEach(checkEntry);
      const rows = await runQuery<{ added: number }[]>(this.#manager, INSERT_MANY, [
        organisationId,
        batch.map((entry) => entry.kind),
        batch.map((entry) => entry.value),
        batch.map((entry) => entry.reason),
        batch.map((entry) => entry.note ?? null),
        batch.map((entry) => entry.sourceMessageId ?? null),
      ]);
      added += rows[0]?.added ?? 0;
    }
    return added;
  }

  /** The entry for this kind and value (case-insensitive), or null. */
  async findByValue(
    organisationId: OrganisationId,
    kind: SuppressionKind,
    value: string,
  ): Promise<Suppression | null> {
    const rows = await runQuery<Record<string, unknown>[]>(this.#manager, FIND_BY_VALUE, [
      organisationId,
      kind,
      value,
    ]);
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  /**
   * Whether mail to `email` is suppressed: the address itself, or its domain or a parent domain
   * (`acme.fr` suppresses `a@acme.fr` and `a@sales.acme.fr`). Index look-ups on
   * (organisation_id, kind, value_key): lower(value) as text, whose equality is leakproof, so an
   * index condition under row-level security (citext's is not: the organisation's whole list
   * was read). A value without `@` is checked as an address only.
   */
  async isSuppressed(organisationId: OrganisationId, email: string): Promise<boolean> {
    const rows = await runQuery<{ suppressed: boolean }[]>(this.#manager, IS_SUPPRESSED, [
      organisationId,
      email.trim(),
      domainsOf(email),
    ]);
    return rows[0]?.suppressed ?? false;
  }

  #hydrate(row: Record<string, unknown>): Suppression {
    return hydrateAs(this.#manager, Suppression, row);
  }
}

/**
 * `a@x.sales.acme.fr` → `x.sales.acme.fr`, `sales.acme.fr`, `acme.fr`, in the address's case:
 * the SQL folds them with lower(), as value_key was folded (JavaScript's toLowerCase differs from
 * PostgreSQL's for a few letters, so a domain folded here could miss its entry).
 */
export function domainsOf(email: string): string[] {
  const at = email.lastIndexOf('@');
  if (at < 0) return [];
  const labels = email
    .slice(at + 1)
    .trim()
    .split('.')
    .filter((label) => label !== '');
  const domains: string[] = [];
  for (let start = 0; start <= labels.length - 2; start += 1) {
    domains.push(labels.slice(start).join('.'));
  }
  return domains;
}

function checkEntry(entry: SuppressionEntry): void {
  if (!(SUPPRESSION_KINDS as readonly string[]).includes(entry.kind)) {
    throw new InvalidInputError(
      'invalid_value',
      'suppressions',
      'kind',
      `kind must be one of ${SUPPRESSION_KINDS.join(', ')}`,
    );
  }
  if (!(SUPPRESSION_REASONS as readonly string[]).includes(entry.reason)) {
    throw new InvalidInputError(
      'invalid_value',
      'suppressions',
      'reason',
      `reason must be one of ${SUPPRESSION_REASONS.join(', ')}`,
    );
  }
}
