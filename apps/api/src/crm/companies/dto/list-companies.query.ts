import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsSiren } from '../siren.validator.js';
import { PageQueryDto } from '../../../crud/page-query.dto.js';
import type { CompanySort } from '../companies.service.js';

const SORTS: readonly CompanySort[] = ['createdAt', 'name', 'id'];

export class ListCompaniesQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: CompanySort;

  @ApiPropertyOptional({ description: 'exact SIREN' })
  @IsOptional()
  @IsSiren()
  siren?: string;

  @ApiPropertyOptional({ description: 'exact domain (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  domain?: string;

  @ApiPropertyOptional({ description: 'exact Pharow company id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  pharowCompanyId?: string;
}
