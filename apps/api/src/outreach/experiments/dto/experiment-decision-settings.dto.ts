import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

/** How an experiment decides by itself; absent fields are left as they are. */
export class ExperimentDecisionSettingsDto {
  @ApiPropertyOptional({
    description:
      'the worker completes the running experiment when a variant wins (probability of being best ≥ confidence, every variant at the required sample)',
  })
  @IsOptional()
  @IsBoolean()
  autoComplete?: boolean;

  @ApiPropertyOptional({ minimum: 0.8, maximum: 0.999, example: 0.95 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.8)
  @Max(0.999)
  confidence?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000000, example: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000000)
  minSamplePerVariant?: number;

  @ApiPropertyOptional({
    minimum: 0.001,
    maximum: 0.5,
    example: 0.05,
    description: 'absolute difference of rates the sample is sized to detect (0.05 = 5 points)',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(0.5)
  minimumDetectableEffect?: number;
}
