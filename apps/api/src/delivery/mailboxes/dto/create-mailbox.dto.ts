import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { OptionalText } from '../../../http/field.decorators.js';
import { MailServerDto } from './mail-server.dto.js';
import { WarmupDto } from './warmup.dto.js';

/** What a user may set: `error` is the verify's and the engine's to set. */
export const SETTABLE_MAILBOX_STATUSES = ['active', 'paused'] as const;
export type SettableMailboxStatus = (typeof SETTABLE_MAILBOX_STATUSES)[number];

export class CreateMailboxDto {
  @ApiProperty({ maxLength: 320, example: 'jean.dupont@example.fr' })
  @IsEmail()
  @MaxLength(320)
  emailAddress!: string;

  @OptionalText(200, { example: 'Jean Dupont' })
  displayName?: string;

  @ApiProperty({ type: MailServerDto })
  @IsDefined({ message: 'smtp is required: { host, port, security, username, password }' })
  @IsObject()
  @ValidateNested()
  @Type(() => MailServerDto)
  smtp!: MailServerDto;

  @ApiPropertyOptional({ type: MailServerDto, nullable: true, description: 'all or nothing' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MailServerDto)
  imap?: MailServerDto | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 100000, default: 200 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  dailyCap?: number;

  @ApiPropertyOptional({ type: WarmupDto, nullable: true, description: 'all or nothing' })
  @IsOptional()
  @ValidateNested()
  @Type(() => WarmupDto)
  warmup?: WarmupDto | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 86400, default: 60 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  minSpacingSeconds?: number;

  @ApiPropertyOptional({ enum: SETTABLE_MAILBOX_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(SETTABLE_MAILBOX_STATUSES)
  status?: SettableMailboxStatus;
}
