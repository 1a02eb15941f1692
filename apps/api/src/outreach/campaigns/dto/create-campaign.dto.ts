import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { OptionalText } from '../../../http/field.decorators.js';
import { IsHolidayCode } from '../holiday-code.validator.js';
import { IsTimeZone } from '../time-zone.validator.js';

export const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export class CreateCampaignDto {
  @ApiProperty({ maxLength: 200, example: 'Relance DSI Île-de-France' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @OptionalText(5000)
  description?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'the sending mailbox' })
  @IsOptional()
  @IsUUID('all')
  mailboxId?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Paris', default: 'Europe/Paris', description: 'IANA' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: '09:00', default: '09:00', description: 'HH:MM, inclusive' })
  @IsOptional()
  @Matches(LOCAL_TIME, { message: '$property must be a time HH:MM such as 09:00' })
  sendingWindowStart?: string;

  @ApiPropertyOptional({ example: '18:00', default: '18:00', description: 'HH:MM, exclusive' })
  @IsOptional()
  @Matches(LOCAL_TIME, { message: '$property must be a time HH:MM such as 18:00' })
  sendingWindowEnd?: string;

  @ApiPropertyOptional({
    type: [Number],
    example: [1, 2, 3, 4, 5],
    default: [1, 2, 3, 4, 5],
    description: 'ISO weekdays, 1 = Monday … 7 = Sunday',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  sendingDays?: number[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    default: null,
    example: 'FR',
    pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$',
    description:
      'Public holidays on which nothing is sent, as a date-holidays code: a country (FR) or a country and subdivision (FR-57 Moselle, FR-67, FR-68: Alsace, adding Good Friday and 26 December); null sends on holidays. Public holidays only (not observances), on the local date of the window.',
  })
  @IsOptional()
  @IsHolidayCode()
  publicHolidays?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 100000, default: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  dailyLimit?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  trackOpens?: boolean;

  @ApiPropertyOptional({
    default: false,
    description:
      'a human reply also exits the colleagues enrolled in this campaign (same SIREN, else same e-mail domain)',
  })
  @IsOptional()
  @IsBoolean()
  exitCompanyOnReply?: boolean;
}
