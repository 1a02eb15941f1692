import { ApiPropertyOptional } from '@nestjs/swagger';
import { SUPPRESSION_REASONS, type SuppressionReason } from '@outreach/db';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OptionalText } from '../../../http/field.decorators.js';

/** One entry: exactly one of `email` and `domain` (checked by the service, which normalises). */
export class AddSuppressionDto {
  @ApiPropertyOptional({ maxLength: 320, example: 'jean.dupont@example.fr' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ maxLength: 253, example: 'example.fr', description: 'a whole domain' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  domain?: string;

  @ApiPropertyOptional({ enum: SUPPRESSION_REASONS, default: 'manual' })
  @IsOptional()
  @IsIn(SUPPRESSION_REASONS)
  reason?: SuppressionReason;

  @OptionalText(1000)
  note?: string;
}
