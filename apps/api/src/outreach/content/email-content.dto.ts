import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/**
 * What an e-mail is written from, for a step or an A/B variant alike: Liquid templates
 * (bodyTemplate, and subjectTemplate unless sent as a reply) or a prompt (promptId), not both
 * (email-content.rules.ts checks the combination and the templates).
 */
export class EmailContentDto {
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
