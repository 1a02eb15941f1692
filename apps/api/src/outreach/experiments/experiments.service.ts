import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { Campaign, OrganisationId, Page, Repositories, WorkflowStep } from '@outreach/db';
import {
  InvalidExperimentTransitionError,
  experimentTransition,
  stepsEditable,
  variantProblems,
  type ExperimentAction,
  type ExperimentStatus,
} from '@outreach/sequencing';
import { TenantDatabase } from '@outreach/tenancy';
import type { ContentProblem } from '../content/content-problem.js';
import {
  assertNoProblems,
  contentShapeProblems,
  contentTemplateProblems,
  type EmailContent,
} from '../content/email-content.rules.js';
import type { ExperimentDecisionSettingsDto } from './dto/experiment-decision-settings.dto.js';
import type { CreateExperimentDto } from './dto/create-experiment.dto.js';
import type { ListExperimentsQuery } from './dto/list-experiments.query.js';
import { experimentView, type ExperimentView } from './experiment.view.js';

/**
 * A/B experiments on a campaign's step. Creating and starting one changes what the campaign
 * sends, so they need a draft or paused campaign (as editing steps does; resuming re-runs the
 * activation checks over the variants); stopping and declaring a winner are always possible.
 * Every change locks the campaign row first, so it queues up behind (or ahead of) an activation.
 */
@Injectable()
export class ExperimentsService {
  constructor(private readonly database: TenantDatabase) {}

  async list(
    campaignId: string,
    stepId: string,
    query: ListExperimentsQuery,
  ): Promise<Page<ExperimentView>> {
    await this.campaign(campaignId);
    await this.step(campaignId, stepId);
    const page = await this.repositories().experiments.page(this.organisation(), stepId, query);
    return { items: page.items.map(experimentView), nextCursor: page.nextCursor };
  }

  async get(campaignId: string, stepId: string, experimentId: string): Promise<ExperimentView> {
    await this.campaign(campaignId);
    await this.step(campaignId, stepId);
    const record = await this.repositories().experiments.find(
      this.organisation(),
      stepId,
      experimentId,
    );
    if (!record) throw this.experimentNotFound();
    return experimentView(record);
  }

  async create(
    campaignId: string,
    stepId: string,
    body: CreateExperimentDto,
  ): Promise<ExperimentView> {
    const campaign = await this.lockedCampaign(campaignId);
    this.assertEditable(campaign, 'created');
    await this.step(campaignId, stepId);
    const variants = body.variants.map((variant) => ({
      key: variant.key,
      weight: variant.weight,
      subjectTemplate: variant.subjectTemplate ?? null,
      bodyTemplate: variant.bodyTemplate ?? null,
      promptId: variant.promptId ?? null,
    }));
    assertNoProblems([...this.shapeProblems(variants), ...(await this.contentProblems(variants))]);
    const experiments = this.repositories().experiments;
    const existing = await experiments.active(this.organisation(), stepId);
    if (existing) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `this step already has a ${existing.status} experiment "${existing.name}" (${existing.id}): stop it (or declare its winner) before creating another`,
        experimentId: existing.id,
      });
    }
    const record = await experiments.create(this.organisation(), stepId, {
      name: body.name,
      metric: body.metric,
      variants,
    });
    return experimentView(record);
  }

  /** start, stop or winner (with the winning variant's id). */
  async act(
    campaignId: string,
    stepId: string,
    experimentId: string,
    action: ExperimentAction,
    winnerVariantId?: string,
  ): Promise<ExperimentView> {
    const campaign = await this.lockedCampaign(campaignId);
    if (action === 'start') this.assertEditable(campaign, 'started');
    await this.step(campaignId, stepId);
    const experiments = this.repositories().experiments;
    const record = await experiments.find(this.organisation(), stepId, experimentId, {
      lock: true,
    });
    if (!record) throw this.experimentNotFound();
    const from = record.experiment.status;
    let to: ExperimentStatus;
    try {
      to = experimentTransition(from, action);
    } catch (error) {
      if (error instanceof InvalidExperimentTransitionError) {
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
    if (action === 'winner' && !record.variants.some((v) => v.id === winnerVariantId)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `variantId: ${String(winnerVariantId)} is not a variant of this experiment; its variants are ${record.variants
          .map((v) => `${v.key} (${v.id})`)
          .join(', ')}`,
        errors: [{ field: 'variantId', messages: ['not a variant of this experiment'] }],
      });
    }
    const changed = await experiments.changeStatus(this.organisation(), experimentId, {
      from,
      to,
      setStartedAt: action === 'start',
      setEndedAt: action !== 'start',
      ...(action === 'winner' && winnerVariantId ? { winnerVariantId } : {}),
    });
    if (!changed) throw new ConflictException('the experiment changed meanwhile: retry');
    return experimentView({ experiment: changed, variants: record.variants });
  }

  /**
   * How a draft or running experiment decides by itself (auto-completion by the worker,
   * confidence, minimum sample, minimum detectable effect); a finished one answers 409.
   */
  async configure(
    campaignId: string,
    stepId: string,
    experimentId: string,
    body: ExperimentDecisionSettingsDto,
  ): Promise<ExperimentView> {
    await this.campaign(campaignId);
    await this.step(campaignId, stepId);
    const experiments = this.repositories().experiments;
    const record = await experiments.find(this.organisation(), stepId, experimentId, {
      lock: true,
    });
    if (!record) throw this.experimentNotFound();
    const changed = await experiments.configureDecision(this.organisation(), experimentId, body);
    if (!changed) {
      throw new ConflictException(
        `the experiment is ${record.experiment.status}: only a draft or running experiment can change how it decides`,
      );
    }
    return experimentView({ experiment: changed, variants: record.variants });
  }

  /** Counts, keys and weights (@outreach/sequencing), each problem naming its variant. */
  private shapeProblems(variants: { key: string; weight: number }[]): ContentProblem[] {
    return variantProblems(variants).map((message) => {
      const match = /^variants\[(\d+)\]\.(\w+)/.exec(message);
      if (!match) return { field: 'variants', message: `variants: ${message}` };
      const key = variants[Number(match[1])]?.key;
      return {
        field: `variants[${match[1]}].${match[2]}`,
        ...(key ? { variant: key } : {}),
        message: key ? `${message} (variant ${key})` : message,
      };
    });
  }

  /** Each variant's content like a step's: templates or a prompt of this organisation. */
  private async contentProblems(
    variants: (EmailContent & { key: string })[],
  ): Promise<ContentProblem[]> {
    const problems: ContentProblem[] = [];
    for (const [index, variant] of variants.entries()) {
      const prefix = `variants[${index}].`;
      const where = { variant: variant.key };
      problems.push(...contentShapeProblems(variant, prefix, where));
      problems.push(...contentTemplateProblems(variant, prefix, where));
      if (variant.promptId !== null) {
        const prompt = await this.repositories().prompts.find(
          this.organisation(),
          variant.promptId,
        );
        if (!prompt) {
          problems.push({
            field: `${prefix}promptId`,
            ...where,
            message: `${prefix}promptId: no prompt ${variant.promptId} in this organisation (variant ${variant.key})`,
          });
        }
      }
    }
    return problems;
  }

  private assertEditable(campaign: Campaign, what: 'created' | 'started'): void {
    if (!stepsEditable(campaign.status)) {
      throw new ConflictException(
        `an experiment cannot be ${what} in a ${campaign.status} campaign: ${
          campaign.status === 'active' ? 'pause the campaign first' : 'it is history'
        }`,
      );
    }
  }

  private async campaign(campaignId: string): Promise<Campaign> {
    const campaign = await this.repositories().campaigns.find(this.organisation(), campaignId);
    if (!campaign) throw new NotFoundException('campaign not found');
    return campaign;
  }

  private async lockedCampaign(campaignId: string): Promise<Campaign> {
    const campaign = await this.repositories().campaignLifecycle.lock(
      this.organisation(),
      campaignId,
    );
    if (!campaign) throw new NotFoundException('campaign not found');
    return campaign;
  }

  private async step(campaignId: string, stepId: string): Promise<WorkflowStep> {
    const step = await this.repositories().steps.find(this.organisation(), campaignId, stepId);
    if (!step) throw new NotFoundException('step not found in this campaign');
    return step;
  }

  private experimentNotFound(): NotFoundException {
    return new NotFoundException('experiment not found on this step');
  }

  private repositories(): Repositories {
    return this.database.repositories();
  }

  private organisation(): OrganisationId {
    return this.database.organisationId();
  }
}
