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

/** SQLSTATE classes and codes that say the server cannot serve now, not that the query is wrong. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_SYSCALL = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** node-postgres reports a connection lost mid-query as a plain Error with one of these messages. */
const UNAVAILABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/**
 * True when `error` means the database cannot be reached or is busy, so the request may succeed if
 * tried again: PostgreSQL connection exceptions (SQLSTATE class 08), shutdown or starting up
 * (57P01–57P03), too many connections (53300), a refused or dropped socket; SQLite's
 * `SQLITE_BUSY` (another writer held the lock past the busy timeout).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SYSCALL.has(code) || code.startsWith('SQLITE_BUSY'))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}
