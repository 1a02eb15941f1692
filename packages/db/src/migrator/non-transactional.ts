/**
 * Statements PostgreSQL refuses inside a transaction block, as Flyway's PostgreSQLParser detects
 * them (flyway-database-postgresql, detectCanExecuteInTransaction). Matched against the start of
 * the statement with comments removed, whitespace collapsed and upper-cased.
 */
const NON_TRANSACTIONAL: readonly RegExp[] = [
  /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)\b/,
  /^ALTER SYSTEM\b/,
  /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY\b/,
  /^REINDEX( \(?VERBOSE\)?)? (SCHEMA|DATABASE|SYSTEM)\b/,
  /^VACUUM\b/,
  /^DISCARD ALL\b/,
];

/** Comments removed, whitespace collapsed, upper-cased: the form the patterns above match. */
export function simplifyStatement(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

/** True when the statement cannot run inside a transaction block. */
export function isNonTransactional(sql: string): boolean {
  const simplified = simplifyStatement(sql.slice(0, 400));
  return NON_TRANSACTIONAL.some((pattern) => pattern.test(simplified));
}
