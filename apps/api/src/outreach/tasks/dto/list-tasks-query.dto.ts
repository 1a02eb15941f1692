import { ApiPropertyOptional } from '@nestjs/swagger';
import { TASK_STATUSES, type TaskStatus } from '@outreach/db';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

export class ListTasksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
}
