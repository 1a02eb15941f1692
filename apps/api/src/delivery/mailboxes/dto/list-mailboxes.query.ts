import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAILBOX_STATUSES, type MailboxStatus } from '@outreach/db';
import { IsEmail, IsIn, IsOptional, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

const SORTS = ['createdAt', 'emailAddress', 'id'] as const;
export type MailboxSort = (typeof SORTS)[number];

export class ListMailboxesQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: MailboxSort;

  @ApiPropertyOptional({ enum: MAILBOX_STATUSES })
  @IsOptional()
  @IsIn(MAILBOX_STATUSES)
  status?: MailboxStatus;

  @ApiPropertyOptional({ description: 'exact address (case-insensitive)' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  emailAddress?: string;
}
