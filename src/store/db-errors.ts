/**
 * Recognizing database errors the same way on both dialects, so callers branch on meaning
 * rather than on a driver's error class.
 */

/**
 * True when `error` is a unique or primary-key violation: SQLite `SQLITE_CONSTRAINT_UNIQUE` /
 * `SQLITE_CONSTRAINT_PRIMARYKEY`, PostgreSQL SQLSTATE `23505`.
 * Prefer `onConflict(...)` in the query where you can; this is for the cases you cannot.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
