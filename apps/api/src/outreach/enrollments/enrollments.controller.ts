import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { CampaignEnrollment, EnrollmentResult, Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import { PageDto } from '../../crud/page.dto.js';
import { BodyLimit } from '../../http/body-limit.js';
import { EnrollPositionsDto } from './dto/enroll-positions.dto.js';
import { EnrollmentResultDto } from './dto/enrollment-result.dto.js';
import { ListEnrollmentsQueryDto } from './dto/list-enrollments-query.dto.js';
import { EnrollmentsService } from './enrollments.service.js';

/** 100,000 UUIDs in JSON are about 3.9 MB: this route takes up to 8 MiB. */
const ENROLL_BODY_LIMIT = 8 * 1024 * 1024;

@ApiTags('enrollments')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@ApiParam({ name: 'campaignId', format: 'uuid' })
@Controller('organisations/:organisationId/campaigns/:campaignId/enrollments')
export class EnrollmentsController {
  constructor(private readonly enrollments: EnrollmentsService) {}

  @Post()
  @HttpCode(200)
  @BodyLimit(ENROLL_BODY_LIMIT)
  @RequirePermission('campaigns:write')
  @ApiOkResponse({ type: EnrollmentResultDto })
  @ApiNotFoundResponse({ description: 'no such campaign in this organisation' })
  @ApiConflictResponse({ description: 'the campaign is completed or archived, or has no step' })
  enroll(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Body() body: EnrollPositionsDto,
  ): Promise<EnrollmentResult> {
    return this.enrollments.enroll(campaignId, body);
  }

  @Get()
  @RequirePermission('campaigns:read')
  @ApiOkResponse({ type: PageDto })
  list(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Query() query: ListEnrollmentsQueryDto,
  ): Promise<Page<CampaignEnrollment>> {
    return this.enrollments.list(campaignId, query);
  }

  @Post(':enrollmentId/pause')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiParam({ name: 'enrollmentId', format: 'uuid' })
  @ApiConflictResponse({ description: 'not active: names the allowed actions' })
  pause(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('enrollmentId', ParseUUIDPipe) enrollmentId: string,
  ): Promise<CampaignEnrollment> {
    return this.enrollments.change(campaignId, enrollmentId, 'pause');
  }

  @Post(':enrollmentId/resume')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiParam({ name: 'enrollmentId', format: 'uuid' })
  @ApiConflictResponse({ description: 'not paused: names the allowed actions' })
  resume(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('enrollmentId', ParseUUIDPipe) enrollmentId: string,
  ): Promise<CampaignEnrollment> {
    return this.enrollments.change(campaignId, enrollmentId, 'resume');
  }

  @Post(':enrollmentId/exit')
  @HttpCode(200)
  @RequirePermission('campaigns:write')
  @ApiParam({ name: 'enrollmentId', format: 'uuid' })
  @ApiConflictResponse({ description: 'already exited or completed' })
  exit(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Param('enrollmentId', ParseUUIDPipe) enrollmentId: string,
  ): Promise<CampaignEnrollment> {
    return this.enrollments.change(campaignId, enrollmentId, 'exit');
  }
}
