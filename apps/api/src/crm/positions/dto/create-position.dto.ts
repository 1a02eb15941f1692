import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  POSITION_EMAIL_STATUSES,
  POSITION_STATUSES,
  type PositionEmailStatus,
  type PositionStatus,
} from '@outreach/db';
import { IsEmail, IsIn, IsInt, IsOptional, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { OptionalText } from '../../../http/field.decorators.js';

export class CreatePositionDto {
  @ApiProperty({ format: 'uuid', description: 'a person of this organisation' })
  @IsUUID()
  personId!: string;

  @ApiProperty({ format: 'uuid', description: 'a company of this organisation' })
  @IsUUID()
  companyId!: string;

  @OptionalText(300, { example: 'Directrice commerciale' })
  title?: string | null;

  @ApiPropertyOptional({ maxLength: 254, example: 'camille.martin@example.fr' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ enum: POSITION_EMAIL_STATUSES, default: 'unknown' })
  @IsOptional()
  @IsIn(POSITION_EMAIL_STATUSES)
  emailStatus?: PositionEmailStatus;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  emailReliability?: number | null;

  @ApiPropertyOptional({ enum: POSITION_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(POSITION_STATUSES)
  status?: PositionStatus;

  @OptionalText(200)
  pharowListName?: string | null;
}
