import { Injectable, Logger } from '@nestjs/common';
import { SystemDatabase } from '@outreach/db/system';
import {
  JobProducer,
  maintenanceQueue,
  type RollUpCampaignResult,
  type RollUpCampaignStatsResult,
} from '@outreach/jobs';
import { TenantDatabase } from '@outreach/tenancy';

/**
 * The campaign stats rollup, rebuilt from the data (never incremented). `roll-up-campaign-stats`
 * (system job, scheduled) lists the campaigns of every organisation whose stats changed since
 * their rollup (the change markers the database's triggers append; ids only) and enqueues one
 * `roll-up-campaign` per campaign; that tenant job rebuilds the campaign's rollup in one tenant
 * transaction (CampaignStatsRepository.rebuildRollup). A change committed during a rebuild
 * leaves its marker: the next run rebuilds the campaign again.
 */
@Injectable()
export class StatsRollupService {
  private readonly logger = new Logger(StatsRollupService.name);

  constructor(
    private readonly system: SystemDatabase,
    private readonly producer: JobProducer,
    private readonly tenants: TenantDatabase,
  ) {}

  async enqueueChanged(): Promise<RollUpCampaignStatsResult> {
    const campaigns = await this.system.campaignStatsToRollUp();
    const added = await this.producer.enqueueMany(
      maintenanceQueue,
      'roll-up-campaign',
      campaigns.map((c) => ({
        payload: { organisationId: c.organisationId, campaignId: c.campaignId },
        options: { jobId: `rollup-${c.campaignId}`, removeWhenDone: true, attempts: 3 },
      })),
    );
    return { campaigns: campaigns.length, enqueued: added.length };
  }

  /** Runs inside the job's tenant context (ContractProcessor entered it). */
  async rollUp(campaignId: string): Promise<RollUpCampaignResult> {
    const organisationId = this.tenants.organisationId();
    const result = await this.tenants.transaction(({ repositories }) =>
      repositories.campaignStats.rebuildRollup(organisationId, campaignId),
    );
    if (!result) {
      return { campaignId, computedAt: null, rows: 0, messages: 0, durationMs: 0 };
    }
    if (result.durationMs > 1_000) {
      this.logger.log(
        `campaign ${campaignId} of organisation ${organisationId}: stats rollup of ${String(result.messages)} messages in ${String(result.durationMs)} ms`,
      );
    }
    return { ...result, computedAt: result.computedAt.toISOString() };
  }
}
