import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A range of calendar days in the campaign's time zone, both ends included (at most 366 days). */
export class DailyStatsQuery {
  @ApiPropertyOptional({
    example: '2025-12-01',
    description: 'first day (YYYY-MM-DD); default: 30 days before `to`, not before the campaign',
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    example: '2025-12-31',
    description: "last day (YYYY-MM-DD); default: today in the campaign's time zone",
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;
}
