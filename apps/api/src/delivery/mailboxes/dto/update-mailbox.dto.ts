import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { OptionalText } from '../../../http/field.decorators.js';
import { SETTABLE_MAILBOX_STATUSES, type SettableMailboxStatus } from './create-mailbox.dto.js';
import { UpdateMailServerDto } from './update-mail-server.dto.js';
import { WarmupDto } from './warmup.dto.js';

/**
 * A partial change. `smtp` / `imap` change the fields given (the password stays unless given);
 * `imap: null` removes IMAP, and adding IMAP needs all five fields; `warmup` is replaced whole
 * (null removes it); `displayName: null` clears it.
 */
export class UpdateMailboxDto {
  @ApiPropertyOptional({ maxLength: 320 })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  emailAddress?: string;

  @OptionalText(200, { nullable: true })
  displayName?: string | null;

  @ApiPropertyOptional({ type: UpdateMailServerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => UpdateMailServerDto)
  smtp?: UpdateMailServerDto;

  @ApiPropertyOptional({ type: UpdateMailServerDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => UpdateMailServerDto)
  imap?: UpdateMailServerDto | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  dailyCap?: number;

  @ApiPropertyOptional({ type: WarmupDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => WarmupDto)
  warmup?: WarmupDto | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  minSpacingSeconds?: number;

  @ApiPropertyOptional({ enum: SETTABLE_MAILBOX_STATUSES })
  @IsOptional()
  @IsIn(SETTABLE_MAILBOX_STATUSES)
  status?: SettableMailboxStatus;
}
