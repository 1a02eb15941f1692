/**
 * A failure the user can act on: bad migration files, validation errors, a failed statement,
 * an unreachable database, a held lock. The message says what to fix; the CLI prints it on
 * one line (plus `detail` lines) and exits 1.
 */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    message: string,
    /** Extra lines (PostgreSQL detail/hint, offending files). */
    readonly detail: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
