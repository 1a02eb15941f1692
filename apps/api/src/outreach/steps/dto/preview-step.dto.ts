import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';

export class PreviewStepDto {
  @ApiProperty({ format: 'uuid', description: 'the prospect (position) to render for' })
  @IsUUID('all')
  positionId!: string;

  @ApiPropertyOptional({ example: 'B', description: "a variant of the step's experiment" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, {
    message: '$property must be a variant key (A-Z, 0-9, _ or -, up to 32)',
  })
  variantKey?: string;
}
