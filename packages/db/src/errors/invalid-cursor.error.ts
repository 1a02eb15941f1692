/** A pagination cursor that was not produced by this service for this query (tampered, truncated, stale). The API maps it to 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';

  constructor(readonly reason: string) {
    super(`Invalid cursor: ${reason}. Start again without a cursor.`);
  }
}
