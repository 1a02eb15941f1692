import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class DeletePersonQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description:
      'true: right to erasure — also delete the positions and their messages, and keep each address only as a suppression (reason erased)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  erase?: 'true' | 'false';
}
