import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';

/** At least one of firstName and lastName (the database refuses a nameless person). */
export class CreatePersonDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'Camille' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName?: string | null;

  @ApiPropertyOptional({ maxLength: 100, example: 'Martin' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  lastName?: string | null;

  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  linkedinUrl?: string | null;

  @ApiPropertyOptional({ maxLength: 100, description: 'unique per organisation' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  pharowPersonId?: string | null;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  city?: string | null;

  @ApiPropertyOptional({ example: 'FR' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166-1 alpha-2 code such as FR' })
  country?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'IANA time zone' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string | null;
}
