import type { Context } from 'hono';
import { ValidationError } from '../core/errors.js';

export interface Page {
  limit: number;
  cursor: string | undefined;
}

/** `?limit=` (1–200, default 50) and `?cursor=` (the `next_cursor` of the previous page). */
export function readPage(c: Context): Page {
  const raw = c.req.query('limit');
  let limit = 50;
  if (raw !== undefined) {
    limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new ValidationError('invalid_query', [{ path: 'limit', message: 'expected an integer from 1 to 200' }]);
    }
  }
  return { limit, cursor: c.req.query('cursor') || undefined };
}

/** A list response; `next_cursor` is null on the last page. */
export function pageOf<T extends { id: string }, V>(rows: T[], page: Page, view: (row: T) => V): { data: V[]; next_cursor: string | null } {
  return {
    data: rows.map(view),
    next_cursor: rows.length === page.limit ? (rows[rows.length - 1]?.id ?? null) : null,
  };
}

/** A query parameter restricted to known values. */
export function readEnum(c: Context, name: string, allowed: readonly string[]): string | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value)) {
    throw new ValidationError('invalid_query', [{ path: name, message: `expected one of: ${allowed.join(', ')}` }]);
  }
  return value;
}
