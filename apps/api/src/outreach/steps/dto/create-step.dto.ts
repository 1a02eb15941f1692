import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EmailContentDto } from '../../content/email-content.dto.js';

/**
 * A step is written from Liquid templates (bodyTemplate, and subjectTemplate unless it is sent as
 * a reply after the first step) or by a prompt (promptId), not both.
 */
export class CreateStepDto extends EmailContentDto {
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
}
