/**
 * The one place errors become HTTP responses: `{ "error": { "code", "message", "path"?, "details"? } }`.
 * Known errors keep their status; a database that cannot be reached is a 503 (`database_unavailable`,
 * with Retry-After) so clients and load balancers retry; anything else is a 500 with its detail
 * kept in the log only.
 */
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { NudgeError, type FieldIssue } from '../core/errors.js';
import { isDatabaseUnavailable } from '../store/db-errors.js';

/** Seconds a client is told to wait before trying again while the database is unreachable. */
const UNAVAILABLE_RETRY_AFTER_S = 1;

export interface ErrorBody {
  error: { code: string; message: string; path?: string; details?: FieldIssue[] };
}

export function errorBody(error: NudgeError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.path !== undefined && error.path !== '') body.error.path = error.path;
  // One issue is already the message and path; it is listed too when it has a code a client can word.
  if (error.details && (error.details.length > 1 || error.details[0]?.code !== undefined)) body.error.details = error.details;
  return body;
}

export function mapError(error: unknown, c: Context, logger: Logger): Response {
  if (error instanceof NudgeError && error.status < 500) {
    const headers = error.retryAfterS === undefined ? undefined : { 'retry-after': String(error.retryAfterS) };
    return c.json(errorBody(error), error.status as 400, headers);
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn({ err: error, method: c.req.method, path: c.req.path }, 'request failed: database unavailable');
    const body: ErrorBody = { error: { code: 'database_unavailable', message: 'the database cannot be reached; try again shortly' } };
    return c.json(body, 503, { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) });
  }
  logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
  const body: ErrorBody = { error: { code: 'internal_error', message: 'internal error; see the server log' } };
  return c.json(body, 500);
}
