import type { EntityManager } from 'typeorm';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import { Campaign } from '../outreach/campaign.entity.js';
import type { CampaignStatus } from '../outreach/campaign-status.js';
import { hydrateAs, runQuery } from './entity-rows.js';

/**
 * A campaign's status changes and the lock its steps change under. Every method takes the
 * organisation first and filters on it (RLS applies too). The rules (which status may follow
 * which) are @outreach/sequencing's; this stores their outcome.
 */
export class CampaignLifecycleRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /**
   * The campaign, locked (FOR UPDATE) until the transaction ends, or null: status changes and
   * step changes of one campaign queue up behind each other instead of racing.
   */
  async lock(organisationId: OrganisationId, campaignId: string): Promise<Campaign | null> {
    if (!isUuid(campaignId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      'SELECT * FROM outreach.campaigns WHERE organisation_id = $1 AND id = $2 FOR UPDATE',
      [organisationId, campaignId],
    );
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  /**
   * Moves the campaign from `from` to `to` (nothing happens unless it is still `from`): the first
   * activation sets started_at, completion sets completed_at. Null when the campaign was not in
   * `from`.
   */
  async changeStatus(
    organisationId: OrganisationId,
    campaignId: string,
    from: CampaignStatus,
    to: CampaignStatus,
  ): Promise<Campaign | null> {
    if (!isUuid(campaignId)) return null;
    const [rows] = await runQuery<[Record<string, unknown>[], number]>(
      this.#manager,
      `UPDATE outreach.campaigns
          SET status = $4,
              started_at = CASE WHEN $4 = 'active' THEN coalesce(started_at, now()) ELSE started_at END,
              completed_at = CASE WHEN $4 = 'completed' THEN now() ELSE completed_at END
        WHERE organisation_id = $1 AND id = $2 AND status = $3
        RETURNING *`,
      [organisationId, campaignId, from, to],
    );
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  #hydrate(row: Record<string, unknown>): Campaign {
    return hydrateAs(this.#manager, Campaign, row);
  }
}
