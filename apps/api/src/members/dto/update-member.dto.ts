import { ApiProperty } from '@nestjs/swagger';
import { ORGANISATION_ROLES, type OrganisationRole } from '@outreach/tenancy';
import { IsIn } from 'class-validator';

export class UpdateMemberDto {
  @ApiProperty({ enum: ORGANISATION_ROLES })
  @IsIn(ORGANISATION_ROLES)
  role!: OrganisationRole;
}
