import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/**
 * A step is written from Liquid templates (bodyTemplate, and subjectTemplate unless it is sent as
 * a reply after the first step) or by a prompt (promptId), not both.
 */
export class CreateStepDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 365,
    default: 0,
    description: 'days after the previous step',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  delayDays?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'a reply ends the enrollment before this step',
  })
  @IsOptional()
  @IsBoolean()
  exitOnReply?: boolean;

  @ApiPropertyOptional({ default: true, description: 'sent in the thread of the previous e-mail' })
  @IsOptional()
  @IsBoolean()
  sendAsReply?: boolean;

  @ApiPropertyOptional({
    maxLength: 1000,
    nullable: true,
    example: 'Une idée pour {{ company.name }}',
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
