import { ApiPropertyOptional } from '@nestjs/swagger';
import { IMPORT_STATUSES, type ImportStatus } from '@outreach/db';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

const SORTS = ['createdAt', 'id'] as const;
export type ImportSort = (typeof SORTS)[number];

export class ListImportsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: ImportSort;

  @ApiPropertyOptional({ enum: IMPORT_STATUSES })
  @IsOptional()
  @IsIn(IMPORT_STATUSES)
  status?: ImportStatus;
}
