import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/** The warm-up ramp: `startPerDay` on day 0, `+incrementPerDay` each day, up to `targetPerDay`. */
export class WarmupDto {
  @ApiProperty({ minimum: 1, maximum: 100000, example: 10 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  startPerDay!: number;

  @ApiProperty({ minimum: 0, maximum: 100000, example: 5 })
  @IsInt()
  @Min(0)
  @Max(100_000)
  incrementPerDay!: number;

  @ApiProperty({ minimum: 1, maximum: 100000, example: 100, description: '≥ startPerDay' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  targetPerDay!: number;
}
