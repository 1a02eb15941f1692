import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMPANY_EMPLOYEE_RANGES, type CompanyEmployeeRange } from '@outreach/db';
import {
  IsFQDN,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { OptionalCountry, OptionalHttpUrl, OptionalText } from '../../../http/field.decorators.js';
import { IsSiren } from '../siren.validator.js';

export const NAF_CODE = /^\d{2}\.\d{2}[A-Z]$/;

export class CreateCompanyDto {
  @ApiProperty({ maxLength: 300, example: 'Société Générale' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;

  @OptionalHttpUrl({ example: 'https://www.example.fr' })
  websiteUrl?: string | null;

  @ApiPropertyOptional({ maxLength: 253, example: 'example.fr' })
  @IsOptional()
  @IsFQDN({ require_tld: true })
  @Matches(/^[a-z0-9.-]+$/, { message: '$property must be a lower-case host name' })
  @MaxLength(253)
  domain?: string | null;

  @OptionalHttpUrl()
  linkedinUrl?: string | null;

  @OptionalText(100, { description: 'unique per organisation' })
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

  @OptionalText(200)
  addressLine1?: string | null;

  @OptionalText(200)
  addressLine2?: string | null;

  @ApiPropertyOptional({ example: '75008', description: '5 digits in France' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/, { message: '$property is not a postal code' })
  postalCode?: string | null;

  @OptionalText(100)
  city?: string | null;

  @OptionalCountry()
  country?: string;
}
