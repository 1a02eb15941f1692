import { ApiPropertyOptional } from '@nestjs/swagger';
import { SUPPRESSION_REASONS, type SuppressionReason } from '@outreach/db';
import { IsIn, IsOptional } from 'class-validator';
import { OptionalText } from '../../../http/field.decorators.js';

/** The reason and note given to every row of an uploaded CSV. */
export class ImportSuppressionsQuery {
  @ApiPropertyOptional({ enum: SUPPRESSION_REASONS, default: 'manual' })
  @IsOptional()
  @IsIn(SUPPRESSION_REASONS)
  reason?: SuppressionReason;

  @OptionalText(1000)
  note?: string;
}
