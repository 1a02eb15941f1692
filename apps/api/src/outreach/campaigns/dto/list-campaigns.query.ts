import { ApiPropertyOptional } from '@nestjs/swagger';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '@outreach/db';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

export type CampaignSort = 'createdAt' | 'name' | 'id';
const SORTS: readonly CampaignSort[] = ['createdAt', 'name', 'id'];

export class ListCampaignsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: CampaignSort;

  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;
}
