import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_ENROLLMENT_POSITION_IDS } from '@outreach/db';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsOptional,
  IsUUID,
  ValidateNested,
} from 'class-validator';
import { EnrollmentFilterDto } from './enrollment-filter.dto.js';

/** Either explicit position ids or a filter (exactly one of them). */
export class EnrollPositionsDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_ENROLLMENT_POSITION_IDS,
    description: `1 to ${MAX_ENROLLMENT_POSITION_IDS} position ids`,
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_ENROLLMENT_POSITION_IDS, {
    message: `positionIds may name at most ${MAX_ENROLLMENT_POSITION_IDS} positions per call: split the selection`,
  })
  @IsUUID('all', { each: true })
  positionIds?: string[];

  @ApiPropertyOptional({ type: EnrollmentFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EnrollmentFilterDto)
  filter?: EnrollmentFilterDto;
}
