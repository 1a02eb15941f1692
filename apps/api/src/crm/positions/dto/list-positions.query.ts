import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';
import type { PositionSort } from '../positions.service.js';

const SORTS: readonly PositionSort[] = ['createdAt', 'id'];

export class ListPositionsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: PositionSort;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  companyId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({ description: 'exact e-mail (case-insensitive)' })
  @IsOptional()
  @IsEmail()
  email?: string;
}
