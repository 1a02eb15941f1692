import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsNumber, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/**
 * One variant of an A/B test: a key (A, B…), a relative weight, and its content — Liquid
 * templates or a prompt, like a step. Key and weight ranges are checked together with the other
 * variants (400 naming the variant), not here.
 */
export class ExperimentVariantDto {
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{1,32}$', example: 'A' })
  @IsString()
  @MaxLength(64)
  key!: string;

  @ApiProperty({ minimum: 1, maximum: 10000, example: 50, description: 'relative share' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  weight!: number;

  @ApiPropertyOptional({
    maxLength: 1000,
    nullable: true,
    example: 'Une question pour {{ company.name }}',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  subjectTemplate?: string | null;

  @ApiPropertyOptional({
    maxLength: 100000,
    nullable: true,
    example: 'Bonjour {{ person.first_name }},',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100000)
  bodyTemplate?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'a prompt version instead of templates',
  })
  @IsOptional()
  @IsUUID('all')
  promptId?: string | null;
}
