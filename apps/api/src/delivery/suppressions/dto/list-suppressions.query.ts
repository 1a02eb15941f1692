import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  SUPPRESSION_KINDS,
  SUPPRESSION_REASONS,
  type SuppressionKind,
  type SuppressionReason,
} from '@outreach/db';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

const SORTS = ['createdAt', 'id'] as const;
export type SuppressionSort = (typeof SORTS)[number];

export class ListSuppressionsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: SuppressionSort;

  @ApiPropertyOptional({ enum: SUPPRESSION_KINDS })
  @IsOptional()
  @IsIn(SUPPRESSION_KINDS)
  kind?: SuppressionKind;

  @ApiPropertyOptional({ enum: SUPPRESSION_REASONS })
  @IsOptional()
  @IsIn(SUPPRESSION_REASONS)
  reason?: SuppressionReason;

  @ApiPropertyOptional({ description: 'exact address or domain (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  value?: string;
}
