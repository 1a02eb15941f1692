import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type {
  Campaign,
  OrganisationId,
  Page,
  Repositories,
  WorkflowStep,
  WorkflowStepInput,
} from '@outreach/db';
import { InvalidStepOrderError, stepsEditable, validateStepOrder } from '@outreach/sequencing';
import { TemplateError, buildVariables, render } from '@outreach/templates';
import {
  assertNoProblems,
  contentShapeProblems,
  contentTemplateProblems,
  type EmailContent,
} from '../content/email-content.rules.js';
import { TenantDatabase } from '@outreach/tenancy';
import type { CreateStepDto } from './dto/create-step.dto.js';
import type { ListStepsQuery } from './dto/list-steps.query.js';
import type { PreviewStepDto } from './dto/preview-step.dto.js';
import type { UpdateStepDto } from './dto/update-step.dto.js';
import type { StepPreviewView } from './step-preview.view.js';

/** What the preview puts in `{{ unsubscribe_url }}` (the real link is minted at send time). */
export const PREVIEW_UNSUBSCRIBE_URL = 'https://unsubscribe.invalid/preview';

/**
 * The ordered steps of one campaign. Changes (create, patch, delete, reorder) lock the campaign
 * row first and are allowed while it is a draft or paused (409 otherwise); templates are checked
 * on every write (400 with line and column, or the unknown variables).
 */
@Injectable()
export class StepsService {
  constructor(private readonly database: TenantDatabase) {}

  async list(campaignId: string, query: ListStepsQuery): Promise<Page<WorkflowStep>> {
    await this.campaign(campaignId);
    return this.repositories().steps.page(this.organisation(), campaignId, query);
  }

  async get(campaignId: string, stepId: string): Promise<WorkflowStep> {
    await this.campaign(campaignId);
    return this.step(campaignId, stepId);
  }

  async create(campaignId: string, body: CreateStepDto): Promise<WorkflowStep> {
    await this.editableCampaign(campaignId);
    const content: EmailContent = {
      subjectTemplate: body.subjectTemplate ?? null,
      bodyTemplate: body.bodyTemplate ?? null,
      promptId: body.promptId ?? null,
    };
    await this.assertContent(content);
    return this.repositories().steps.append(this.organisation(), campaignId, body);
  }

  async update(campaignId: string, stepId: string, body: UpdateStepDto): Promise<WorkflowStep> {
    await this.editableCampaign(campaignId);
    const step = await this.step(campaignId, stepId);
    const content: EmailContent = {
      subjectTemplate:
        body.subjectTemplate !== undefined ? body.subjectTemplate : step.subjectTemplate,
      bodyTemplate: body.bodyTemplate !== undefined ? body.bodyTemplate : step.bodyTemplate,
      promptId: body.promptId !== undefined ? body.promptId : step.promptId,
    };
    await this.assertContent(content);
    const input: WorkflowStepInput = body;
    const updated = await this.repositories().steps.update(
      this.organisation(),
      campaignId,
      stepId,
      input,
    );
    if (!updated) throw this.stepNotFound();
    return updated;
  }

  async remove(campaignId: string, stepId: string): Promise<void> {
    await this.editableCampaign(campaignId);
    if (!(await this.repositories().steps.remove(this.organisation(), campaignId, stepId))) {
      throw this.stepNotFound();
    }
  }

  async reorder(campaignId: string, stepIds: string[]): Promise<Page<WorkflowStep>> {
    await this.editableCampaign(campaignId);
    const organisationId = this.organisation();
    const steps = this.repositories().steps;
    const current = await steps.list(organisationId, campaignId);
    try {
      validateStepOrder(
        current.map((step) => step.id),
        stepIds,
      );
    } catch (error) {
      if (error instanceof InvalidStepOrderError) {
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: error.message,
          problems: error.problems,
        });
      }
      throw error;
    }
    return { items: await steps.reorder(organisationId, campaignId, stepIds), nextCursor: null };
  }

  async preview(
    campaignId: string,
    stepId: string,
    body: PreviewStepDto,
  ): Promise<StepPreviewView> {
    const organisationId = this.organisation();
    const repositories = this.repositories();
    const campaign = await this.campaign(campaignId);
    const step = await this.step(campaignId, stepId);
    let content: EmailContent = step;
    if (body.variantKey !== undefined) {
      const variant = await repositories.steps.findVariant(organisationId, stepId, body.variantKey);
      if (!variant) throw new NotFoundException(`this step has no variant ${body.variantKey}`);
      content = variant;
    }
    if (content.bodyTemplate === null) {
      throw new UnprocessableEntityException(
        'this e-mail is written by a prompt at send time: preview renders templates only',
      );
    }
    const position = await repositories.positions.find(organisationId, body.positionId);
    if (!position) throw new NotFoundException('position not found');
    // One connection (the request's transaction): one statement after the other.
    const person = await repositories.people.find(organisationId, position.personId);
    const company = await repositories.companies.find(organisationId, position.companyId);
    const mailbox = campaign.mailboxId
      ? await repositories.mailboxes.find(organisationId, campaign.mailboxId)
      : null;
    const values = buildVariables({
      person,
      position,
      company,
      mailbox,
      unsubscribeUrl: PREVIEW_UNSUBSCRIBE_URL,
    });
    try {
      const subject =
        content.subjectTemplate === null
          ? null
          : render(content.subjectTemplate, values, 'subject');
      const rendered = render(content.bodyTemplate, values, 'body');
      const missing = [...new Set([...(subject?.missing ?? []), ...rendered.missing])];
      return { subject: subject?.output ?? null, body: rendered.output, missing };
    } catch (error) {
      if (error instanceof TemplateError) {
        throw new UnprocessableEntityException(
          `the templates cannot be rendered: ${error.message}`,
        );
      }
      throw error;
    }
  }

  private async assertContent(content: EmailContent): Promise<void> {
    assertNoProblems([...contentShapeProblems(content), ...contentTemplateProblems(content)]);
    if (content.promptId !== null) {
      const prompt = await this.repositories().prompts.find(this.organisation(), content.promptId);
      if (!prompt) {
        throw new UnprocessableEntityException(
          `promptId: no prompt ${content.promptId} in this organisation`,
        );
      }
    }
  }

  private async campaign(campaignId: string): Promise<Campaign> {
    const campaign = await this.repositories().campaigns.find(this.organisation(), campaignId);
    if (!campaign) throw new NotFoundException('campaign not found');
    return campaign;
  }

  /** The campaign, locked, if its steps may change now (409 otherwise). */
  private async editableCampaign(campaignId: string): Promise<Campaign> {
    const campaign = await this.repositories().campaignLifecycle.lock(
      this.organisation(),
      campaignId,
    );
    if (!campaign) throw new NotFoundException('campaign not found');
    if (!stepsEditable(campaign.status)) {
      throw new ConflictException(
        `the steps of a ${campaign.status} campaign cannot change: ${
          campaign.status === 'active' ? 'pause it first' : 'it is history'
        }`,
      );
    }
    return campaign;
  }

  private async step(campaignId: string, stepId: string): Promise<WorkflowStep> {
    const step = await this.repositories().steps.find(this.organisation(), campaignId, stepId);
    if (!step) throw this.stepNotFound();
    return step;
  }

  private stepNotFound(): NotFoundException {
    return new NotFoundException('step not found');
  }

  private repositories(): Repositories {
    return this.database.repositories();
  }

  private organisation(): OrganisationId {
    return this.database.organisationId();
  }
}
