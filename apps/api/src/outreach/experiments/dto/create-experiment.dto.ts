import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STEP_EXPERIMENT_METRICS, type StepExperimentMetric } from '@outreach/db';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ExperimentVariantDto } from './experiment-variant.dto.js';

/** A new A/B test on a step (created as a draft): two or more variants with unique keys. */
export class CreateExperimentDto {
  @ApiProperty({ maxLength: 200, example: 'Subject line test' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ enum: STEP_EXPERIMENT_METRICS, default: 'reply_rate' })
  @IsOptional()
  @IsIn(STEP_EXPERIMENT_METRICS)
  metric?: StepExperimentMetric;

  @ApiProperty({ type: [ExperimentVariantDto], minItems: 2, maxItems: 26 })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ExperimentVariantDto)
  variants!: ExperimentVariantDto[];
}
