import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsUUID } from 'class-validator';

export class ReorderStepsDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'every step id of the campaign exactly once, in the new order',
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  stepIds!: string[];
}
