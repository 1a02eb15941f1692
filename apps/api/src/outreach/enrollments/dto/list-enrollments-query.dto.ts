import { ApiPropertyOptional } from '@nestjs/swagger';
import { ENROLLMENT_STATUSES, type EnrollmentStatus } from '@outreach/db';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

export class ListEnrollmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ENROLLMENT_STATUSES })
  @IsOptional()
  @IsIn(ENROLLMENT_STATUSES)
  status?: EnrollmentStatus;
}
