import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Campaign, OrganisationId, Page, Repositories } from '@outreach/db';
import {
  InvalidCampaignTransitionError,
  deletable,
  startsSending,
  transition,
  type CampaignAction,
} from '@outreach/sequencing';
import { TenantDatabase } from '@outreach/tenancy';
import { readinessProblems } from './campaign-readiness.js';
import { campaignView, type CampaignView } from './campaign.view.js';
import type { CreateCampaignDto } from './dto/create-campaign.dto.js';
import type { ListCampaignsQuery } from './dto/list-campaigns.query.js';
import type { UpdateCampaignDto } from './dto/update-campaign.dto.js';

/**
 * Campaigns of the current organisation: CRUD over packages/db's scoped repository, and the
 * state machine of @outreach/sequencing. Status changes lock the campaign row first, so two
 * concurrent transitions (or a transition and a step change) queue up.
 */
@Injectable()
export class CampaignsService {
  constructor(private readonly database: TenantDatabase) {}

  async list(query: ListCampaignsQuery): Promise<Page<CampaignView>> {
    const { cursor, limit, sort, direction, status } = query;
    const page = await this.repositories().campaigns.list(this.organisation(), {
      cursor,
      limit,
      sort,
      direction,
      filters: { status },
    });
    return { items: page.items.map(campaignView), nextCursor: page.nextCursor };
  }

  async get(campaignId: string): Promise<CampaignView> {
    return campaignView(await this.find(campaignId));
  }

  async create(body: CreateCampaignDto): Promise<CampaignView> {
    this.assertWindow(body.sendingWindowStart ?? '09:00', body.sendingWindowEnd ?? '18:00');
    if (body.mailboxId) await this.assertMailbox(body.mailboxId, false);
    return campaignView(await this.repositories().campaigns.create(this.organisation(), body));
  }

  async update(campaignId: string, body: UpdateCampaignDto): Promise<CampaignView> {
    const campaign = await this.lock(campaignId);
    if (campaign.status === 'completed' || campaign.status === 'archived') {
      throw new ConflictException(`a ${campaign.status} campaign cannot be changed`);
    }
    this.assertWindow(
      body.sendingWindowStart ?? campaign.sendingWindowStart.slice(0, 5),
      body.sendingWindowEnd ?? campaign.sendingWindowEnd.slice(0, 5),
    );
    if (body.mailboxId !== undefined && campaign.status === 'active') {
      if (body.mailboxId === null) {
        throw new ConflictException('an active campaign needs a mailbox: pause it first');
      }
      await this.assertMailbox(body.mailboxId, true);
    } else if (body.mailboxId) {
      await this.assertMailbox(body.mailboxId, false);
    }
    const updated = await this.repositories().campaigns.update(
      this.organisation(),
      campaignId,
      body,
    );
    if (!updated) throw this.notFound();
    return campaignView(updated);
  }

  async remove(campaignId: string): Promise<void> {
    const campaign = await this.lock(campaignId);
    if (!deletable(campaign.status)) {
      throw new ConflictException(
        `only a draft or archived campaign can be deleted; this one is ${campaign.status}: complete and archive it first`,
      );
    }
    await this.repositories().campaigns.delete(this.organisation(), campaignId);
  }

  /**
   * Applies a transition: 409 naming the allowed actions when the status does not allow it; for
   * activate and resume, 422 listing every readiness problem at once.
   */
  async act(campaignId: string, action: CampaignAction): Promise<CampaignView> {
    const organisationId = this.organisation();
    const campaign = await this.lock(campaignId);
    let next;
    try {
      next = transition(campaign.status, action);
    } catch (error) {
      if (error instanceof InvalidCampaignTransitionError) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: error.message,
          status: error.status,
          allowedActions: error.allowed,
        });
      }
      throw error;
    }
    if (startsSending(action)) await this.assertReady(organisationId, campaign, action);
    const changed = await this.repositories().campaignLifecycle.changeStatus(
      organisationId,
      campaignId,
      campaign.status,
      next,
    );
    if (!changed) throw this.notFound();
    return campaignView(changed);
  }

  private async assertReady(
    organisationId: OrganisationId,
    campaign: Campaign,
    action: CampaignAction,
  ): Promise<void> {
    const repositories = this.repositories();
    // One connection (the request's transaction): one statement after the other.
    const mailbox = campaign.mailboxId
      ? await repositories.mailboxes.find(organisationId, campaign.mailboxId)
      : null;
    const steps = await repositories.steps.list(organisationId, campaign.id);
    const variants = await repositories.steps.activeVariants(organisationId, campaign.id);
    const problems = readinessProblems({ campaign, mailbox, steps, variants });
    if (problems.length > 0) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `the campaign cannot ${action}: ${problems.map((p) => p.message).join('; ')}`,
        problems,
      });
    }
  }

  private assertWindow(start: string, end: string): void {
    if (start >= end) {
      throw new BadRequestException(
        `sendingWindowStart (${start}) must be before sendingWindowEnd (${end})`,
      );
    }
  }

  private async assertMailbox(mailboxId: string, mustBeActive: boolean): Promise<void> {
    const mailbox = await this.repositories().mailboxes.find(this.organisation(), mailboxId);
    if (!mailbox) {
      throw new UnprocessableEntityException(
        `mailboxId: no mailbox ${mailboxId} in this organisation`,
      );
    }
    if (mustBeActive && mailbox.status !== 'active') {
      throw new ConflictException(
        `mailboxId: the mailbox ${mailbox.emailAddress} is ${mailbox.status}; an active campaign needs an active mailbox`,
      );
    }
  }

  private async find(campaignId: string): Promise<Campaign> {
    const campaign = await this.repositories().campaigns.find(this.organisation(), campaignId);
    if (!campaign) throw this.notFound();
    return campaign;
  }

  private async lock(campaignId: string): Promise<Campaign> {
    const campaign = await this.repositories().campaignLifecycle.lock(
      this.organisation(),
      campaignId,
    );
    if (!campaign) throw this.notFound();
    return campaign;
  }

  private repositories(): Repositories {
    return this.database.repositories();
  }

  private organisation(): OrganisationId {
    return this.database.organisationId();
  }

  private notFound(): NotFoundException {
    return new NotFoundException('campaign not found');
  }
}
