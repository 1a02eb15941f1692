import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

export type PromptSort = 'createdAt' | 'id';
const SORTS: readonly PromptSort[] = ['createdAt', 'id'];

export class ListPromptsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: PromptSort;

  @ApiPropertyOptional({ description: 'only the versions of this name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;
}
