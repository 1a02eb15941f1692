import { ApiPropertyOptional } from '@nestjs/swagger';
import { LEGAL_BASES, type LegalBasis } from '@outreach/db';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class UploadImportQuery {
  @ApiPropertyOptional({
    description: 'Pharow list name recorded on positions whose row names none (≤ 200 characters)',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  listName?: string;

  @ApiPropertyOptional({
    enum: LEGAL_BASES,
    default: 'legitimate_interest',
    description: 'GDPR art. 6 basis recorded on created or changed positions',
  })
  @IsOptional()
  @IsIn(LEGAL_BASES)
  legalBasis?: LegalBasis;

  @ApiPropertyOptional({
    description:
      'column overrides as JSON: {"<header as written>": "<field>" | null}; fields: companyName, siren, email, … (null ignores the column)',
    example: '{"Société cliente":"companyName","Notes":null}',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  mapping?: string;
}
