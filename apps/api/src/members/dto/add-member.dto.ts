import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORGANISATION_ROLES, type OrganisationRole } from '@outreach/tenancy';
import { IsEmail, IsIn, IsOptional, MaxLength } from 'class-validator';

export class AddMemberDto {
  @ApiProperty({ maxLength: 254, example: 'bob@example.fr' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({ enum: ORGANISATION_ROLES, default: 'member' })
  @IsOptional()
  @IsIn(ORGANISATION_ROLES)
  role?: OrganisationRole;
}
