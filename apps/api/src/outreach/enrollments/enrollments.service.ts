import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type {
  CampaignEnrollment,
  EnrollmentResult,
  EnrollmentSelection,
  OrganisationId,
  Page,
} from '@outreach/db';
import {
  InvalidEnrollmentTransitionError,
  enrollmentTransition,
  type EnrollmentAction,
} from '@outreach/sequencing';
import { TenantDatabase } from '@outreach/tenancy';
import type { EnrollPositionsDto } from './dto/enroll-positions.dto.js';
import type { ListEnrollmentsQueryDto } from './dto/list-enrollments-query.dto.js';

/** Campaign statuses that take no new enrollments. */
const CLOSED = new Set(['completed', 'archived']);

/**
 * Enrollments of the current organisation's campaigns: enrolling positions set-based (the SQL
 * is EnrollmentRepository's, in the request's tenant transaction: enrollments and first tasks
 * are written together or not at all), listing, and pause / resume / exit of one enrollment by
 * the rules of @outreach/sequencing.
 */
@Injectable()
export class EnrollmentsService {
  constructor(private readonly database: TenantDatabase) {}

  async enroll(campaignId: string, body: EnrollPositionsDto): Promise<EnrollmentResult> {
    const selection = selectionOf(body);
    const organisationId = this.database.organisationId();
    const repositories = this.database.repositories();
    const target = await repositories.enrollments.enrollmentTarget(organisationId, campaignId);
    if (!target) throw new NotFoundException('campaign not found');
    if (CLOSED.has(target.status)) {
      throw new ConflictException(
        `cannot enroll into a ${target.status} campaign: only draft, active or paused campaigns take enrollments`,
      );
    }
    if (!target.firstStep) {
      throw new ConflictException(
        'the campaign has no step yet: add a step first (POST …/campaigns/:campaignId/steps), then enroll',
      );
    }
    return repositories.enrollments.enroll(organisationId, campaignId, selection, {
      firstStep: target.firstStep,
    });
  }

  async list(
    campaignId: string,
    query: ListEnrollmentsQueryDto,
  ): Promise<Page<CampaignEnrollment>> {
    const organisationId = await this.campaign(campaignId);
    return this.database.repositories().campaignEnrollments.list(organisationId, {
      cursor: query.cursor,
      limit: query.limit,
      direction: query.direction,
      filters: { campaignId, status: query.status },
    });
  }

  /** Pause, resume or exit (reason `manual`, pending tasks cancelled) one enrollment. */
  async change(
    campaignId: string,
    enrollmentId: string,
    action: EnrollmentAction,
  ): Promise<CampaignEnrollment> {
    const organisationId = this.database.organisationId();
    const enrollments = this.database.repositories().enrollments;
    const current = await enrollments.find(organisationId, campaignId, enrollmentId);
    if (!current) throw new NotFoundException('enrollment not found');
    let next;
    try {
      next = enrollmentTransition(current.status, action);
    } catch (error) {
      if (error instanceof InvalidEnrollmentTransitionError) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: error.message,
          allowedActions: error.allowed,
        });
      }
      throw error;
    }
    const changed =
      next === 'exited'
        ? (await enrollments.exit(organisationId, campaignId, enrollmentId, 'manual'))?.enrollment
        : await enrollments.setStatus(
            organisationId,
            campaignId,
            enrollmentId,
            next === 'paused' ? 'paused' : 'active',
          );
    if (!changed) throw new NotFoundException('enrollment not found');
    return changed;
  }

  private async campaign(campaignId: string): Promise<OrganisationId> {
    const organisationId = this.database.organisationId();
    const campaign = await this.database.repositories().campaigns.find(organisationId, campaignId);
    if (!campaign) throw new NotFoundException('campaign not found');
    return organisationId;
  }
}

function selectionOf(body: EnrollPositionsDto): EnrollmentSelection {
  if (body.positionIds !== undefined && body.filter === undefined) {
    return { positionIds: body.positionIds };
  }
  if (body.filter !== undefined && body.positionIds === undefined) {
    return { filter: body.filter };
  }
  throw new BadRequestException(
    'give either positionIds (1 to 100000 position ids) or filter (company and position criteria), not both',
  );
}
