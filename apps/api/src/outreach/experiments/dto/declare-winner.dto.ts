import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** The winning variant: one of the running experiment's own variants. */
export class DeclareWinnerDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  variantId!: string;
}
