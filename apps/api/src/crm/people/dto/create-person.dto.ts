import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsTimeZone } from 'class-validator';
import { OptionalCountry, OptionalHttpUrl, OptionalText } from '../../../http/field.decorators.js';

/** At least one of firstName and lastName (the database refuses a nameless person). */
export class CreatePersonDto {
  @OptionalText(100, { example: 'Camille' })
  firstName?: string | null;

  @OptionalText(100, { example: 'Martin' })
  lastName?: string | null;

  @OptionalHttpUrl()
  linkedinUrl?: string | null;

  @OptionalText(100, { description: 'unique per organisation' })
  pharowPersonId?: string | null;

  @OptionalText(100)
  city?: string | null;

  @OptionalCountry()
  country?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'IANA time zone' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string | null;
}
