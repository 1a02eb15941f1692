import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateOrganisationDto } from './create-organisation.dto.js';

export class UpdateOrganisationDto extends PartialType(CreateOrganisationDto) {
  @ApiPropertyOptional({
    description:
      'open tracking for the whole organisation: false puts no pixel in any mail (campaigns have their own trackOpens too)',
  })
  @IsOptional()
  @IsBoolean()
  trackOpens?: boolean;
}
