import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  COMPANY_EMPLOYEE_RANGES,
  POSITION_EMAIL_STATUSES,
  type CompanyEmployeeRange,
  type PositionEmailStatus,
} from '@outreach/db';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

/**
 * Positions to enroll by their fields: every given criterion must match, any value of a list
 * matches. At least one criterion.
 */
export class EnrollmentFilterDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: "the position's company" })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  companyIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['62.01Z', '70'],
    description: "company's NAF code, exact (62.01Z) or a prefix (62, 62.0, 62.01)",
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @Matches(/^[0-9]{2}(\.[0-9]{1,2}[A-Z]?)?$/, {
    each: true,
    message: 'each value of $property must be a NAF code or prefix such as 62.01Z, 62.01 or 62',
  })
  nafCodes?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['Paris'],
    description: 'company city, any case',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  cities?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['75', '69001'],
    description: "company's postal code starts with one of these",
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @Matches(/^[A-Za-z0-9]{1,10}$/, {
    each: true,
    message: 'each value of $property must be 1 to 10 letters or digits (a postal code prefix)',
  })
  postalCodePrefixes?: string[];

  @ApiPropertyOptional({ enum: COMPANY_EMPLOYEE_RANGES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(COMPANY_EMPLOYEE_RANGES, { each: true })
  employeeRanges?: CompanyEmployeeRange[];

  @ApiPropertyOptional({ type: [String], example: ['FR'], description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(250)
  @Matches(/^[A-Z]{2}$/, {
    each: true,
    message: 'each value of $property must be an ISO 3166-1 alpha-2 code such as FR',
  })
  countries?: string[];

  @ApiPropertyOptional({ enum: POSITION_EMAIL_STATUSES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(POSITION_EMAIL_STATUSES, { each: true })
  emailStatuses?: PositionEmailStatus[];

  @ApiPropertyOptional({ maxLength: 200, description: 'the Pharow list the position came from' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  pharowListName?: string;
}
