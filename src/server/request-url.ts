import type { MiddlewareHandler } from 'hono';
import { ValidationError } from '../core/errors.js';
import { issueAt } from '../core/issue-codes.js';

/**
 * Refuses a URL whose path or query carries a NUL character (`%00`). Ids and filters go straight
 * into SQL parameters, and PostgreSQL rejects U+0000 in text with an error that would otherwise
 * surface as a 500; no id or filter value can contain it, so the request is simply malformed.
 */
export const refuseNulInUrl: MiddlewareHandler = async (c, next) => {
  const url = new URL(c.req.url);
  if (/%00/.test(url.pathname)) {
    throw new ValidationError('invalid_request', [issueAt('', 'nul_character')]);
  }
  for (const [name, value] of url.searchParams) {
    if (name.includes('\u0000') || value.includes('\u0000')) {
      throw new ValidationError('invalid_query', [issueAt(name.replaceAll('\u0000', ''), 'nul_character')]);
    }
  }
  await next();
};
