export type InvalidInputKind =
  | 'invalid_value'
  | 'not_allowed'
  | 'too_long'
  | 'required'
  | 'check_violation'
  | 'unique_violation'
  | 'foreign_key_violation';

/**
 * Input the database refuses (or would refuse): names the table and field (or constraint)
 * so the caller can say what to fix. The API maps it to 400 (409 for unique_violation).
 */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';

  constructor(
    readonly kind: InvalidInputKind,
    readonly table: string | undefined,
    readonly field: string | undefined,
    message: string,
    readonly constraint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
