import { OmitType, PartialType } from '@nestjs/swagger';
import { CreatePositionDto } from './create-position.dto.js';

/** A position stays the same person at the same company: those two cannot change. */
export class UpdatePositionDto extends PartialType(
  OmitType(CreatePositionDto, ['personId', 'companyId'] as const),
) {}
