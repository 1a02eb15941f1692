import { ApiProperty } from '@nestjs/swagger';

/** Shape of every list answer: one page and the cursor of the next (null on the last). */
export class PageDto {
  @ApiProperty({ type: 'array', items: { type: 'object' } })
  items!: unknown[];

  @ApiProperty({ type: String, nullable: true, description: 'pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}
