import { ApiProperty } from '@nestjs/swagger';
import { PROMPT_PURPOSES, type PromptPurpose } from '@outreach/db';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalText } from '../../../http/field.decorators.js';

/** A new version of the prompt called `name` (version 1 when the name is new). */
export class CreatePromptDto {
  @ApiProperty({ maxLength: 200, example: 'first-touch' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: PROMPT_PURPOSES })
  @IsIn(PROMPT_PURPOSES)
  purpose!: PromptPurpose;

  @ApiProperty({ maxLength: 100000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100000)
  content!: string;

  @OptionalText(100, { example: 'gpt-5-mini' })
  model?: string | null;
}
