import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAIL_SECURITY_MODES, type MailSecurityMode } from '@outreach/db';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAIL_HOST } from './mail-server.dto.js';

/** A change to a server's settings: what is given replaces, the rest (password included) stays. */
export class UpdateMailServerDto {
  @ApiPropertyOptional({ maxLength: 253 })
  @IsOptional()
  @IsString()
  @Matches(MAIL_HOST, { message: '$property must be a host name or an IP address' })
  host?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ enum: MAIL_SECURITY_MODES })
  @IsOptional()
  @IsIn(MAIL_SECURITY_MODES)
  security?: MailSecurityMode;

  @ApiPropertyOptional({ maxLength: 320 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  username?: string;

  @ApiPropertyOptional({ maxLength: 1000, writeOnly: true, description: 'write-only' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  password?: string;
}
