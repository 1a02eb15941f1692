import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  type MessageDirection,
  type MessageStatus,
} from '@outreach/db';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

/** `direction` is the page order (asc, desc), as on every list; `messageDirection` filters. */
export class ListMessagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MESSAGE_DIRECTIONS, description: 'outbound or inbound' })
  @IsOptional()
  @IsIn(MESSAGE_DIRECTIONS)
  messageDirection?: MessageDirection;

  @ApiPropertyOptional({ enum: MESSAGE_STATUSES })
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus;
}
