import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export class CreateOrganisationDto {
  @ApiProperty({ maxLength: 200, example: 'Acme Prospection' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    maxLength: 63,
    example: 'acme',
    description: 'unique; derived from the name when left out',
  })
  @IsOptional()
  @Matches(SLUG, { message: '$property must be lower-case letters and digits separated by "-"' })
  @MaxLength(63)
  slug?: string;
}
