import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsString, MaxLength } from 'class-validator';
import { EmailContentDto } from '../../content/email-content.dto.js';

/**
 * One variant of an A/B test: a key (A, B…), a relative weight, and its content — Liquid
 * templates or a prompt, like a step. Key and weight ranges are checked together with the other
 * variants (400 naming the variant), not here.
 */
export class ExperimentVariantDto extends EmailContentDto {
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{1,32}$', example: 'A' })
  @IsString()
  @MaxLength(64)
  key!: string;

  @ApiProperty({ minimum: 1, maximum: 10000, example: 50, description: 'relative share' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  weight!: number;
}
