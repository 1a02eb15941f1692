import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMPANY_EMPLOYEE_RANGES, type CompanyEmployeeRange } from '@outreach/db';
import {
  IsFQDN,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsSiren } from '../../http/siren.validator.js';

export const NAF_CODE = /^\d{2}\.\d{2}[A-Z]$/;

export class CreateCompanyDto {
  @ApiProperty({ maxLength: 300, example: 'Société Générale' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2048, example: 'https://www.example.fr' })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  websiteUrl?: string | null;

  @ApiPropertyOptional({ maxLength: 253, example: 'example.fr' })
  @IsOptional()
  @IsFQDN({ require_tld: true })
  @Matches(/^[a-z0-9.-]+$/, { message: '$property must be a lower-case host name' })
  @MaxLength(253)
  domain?: string | null;

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
  pharowCompanyId?: string | null;

  @ApiPropertyOptional({ example: '552100554', description: '9 digits, Luhn-valid' })
  @IsOptional()
  @IsSiren()
  siren?: string | null;

  @ApiPropertyOptional({ example: '62.01Z', description: 'NAF/APE code NN.NNX' })
  @IsOptional()
  @Matches(NAF_CODE, { message: '$property must look like 62.01Z (NN.NNX)' })
  nafCode?: string | null;

  @ApiPropertyOptional({ enum: COMPANY_EMPLOYEE_RANGES })
  @IsOptional()
  @IsIn(COMPANY_EMPLOYEE_RANGES)
  employeeRange?: CompanyEmployeeRange | null;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  addressLine1?: string | null;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  addressLine2?: string | null;

  @ApiPropertyOptional({ example: '75008', description: '5 digits in France' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/, { message: '$property is not a postal code' })
  postalCode?: string | null;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  city?: string | null;

  @ApiPropertyOptional({ example: 'FR', description: 'ISO 3166-1 alpha-2, default FR' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166-1 alpha-2 code such as FR' })
  country?: string;
}
