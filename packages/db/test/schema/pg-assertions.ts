import pg from 'pg';

export interface PgErrorExpectation {
  /** SQLSTATE, e.g. 23514 (check_violation), 23503 (foreign_key_violation), 23505 (unique_violation). */
  code: string;
  /** Name of the violated constraint, when the error names one. */
  constraint?: string;
}

export const CHECK_VIOLATION = '23514';
export const FOREIGN_KEY_VIOLATION = '23503';
export const UNIQUE_VIOLATION = '23505';
export const NOT_NULL_VIOLATION = '23502';

/** Expects the (autocommitted) statement to fail with that SQLSTATE and, if given, that constraint. */
export async function expectPgError(
  statement: Promise<unknown>,
  expected: PgErrorExpectation,
): Promise<void> {
  let caught: unknown;
  try {
    await statement;
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof pg.DatabaseError)) {
    const got =
      caught === undefined
        ? 'success'
        : caught instanceof Error
          ? caught.message
          : 'a non-error throw';
    throw new Error(
      `expected a database error ${expected.code}${expected.constraint ? ` on ${expected.constraint}` : ''}, got ${got}`,
    );
  }
  expect({
    code: caught.code,
    constraint: expected.constraint ? caught.constraint : undefined,
  }).toEqual({
    code: expected.code,
    constraint: expected.constraint,
  });
}

/** A connected client; the caller ends it. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
