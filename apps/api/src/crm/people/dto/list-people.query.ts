import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';
import type { PersonSort } from '../people.service.js';

const SORTS: readonly PersonSort[] = ['createdAt', 'id'];

export class ListPeopleQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: PersonSort;

  @ApiPropertyOptional({ description: 'exact LinkedIn URL' })
  @IsOptional()
  @IsUrl({ require_protocol: true })
  @MaxLength(2048)
  linkedinUrl?: string;

  @ApiPropertyOptional({ description: 'exact Pharow person id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  pharowPersonId?: string;
}
