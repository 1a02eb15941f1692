import { ApiProperty } from '@nestjs/swagger';
import { MAIL_SECURITY_MODES, type MailSecurityMode } from '@outreach/db';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** delivery.mailboxes' CHECK on smtp_host / imap_host: a host name or an IP address. */
export const MAIL_HOST = /^[A-Za-z0-9.:[\]-]{1,253}$/;

/** An SMTP or IMAP server and its login; the password is encrypted at rest and never returned. */
export class MailServerDto {
  @ApiProperty({ maxLength: 253, example: 'smtp.example.fr' })
  @IsString()
  @Matches(MAIL_HOST, { message: '$property must be a host name or an IP address' })
  host!: string;

  @ApiProperty({ minimum: 1, maximum: 65535, example: 587 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @ApiProperty({ enum: MAIL_SECURITY_MODES, description: 'tls (implicit), starttls or none' })
  @IsIn(MAIL_SECURITY_MODES)
  security!: MailSecurityMode;

  @ApiProperty({ maxLength: 320, example: 'jean@example.fr' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  username!: string;

  @ApiProperty({ maxLength: 1000, writeOnly: true, description: 'write-only, never returned' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  password!: string;
}
