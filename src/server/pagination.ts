import type { Context } from 'hono';
import { ValidationError } from '../core/errors.js';
import { enumParam, integerParam, textParam } from './query-params.js';

export interface Page {
  limit: number;
  cursor: string | undefined;
}

/** The query parameters of every list: spread them into a route's `defineQuery`. */
export const PAGE_PARAMS = {
  limit: integerParam(1, 200, '1–200, default 50'),
  cursor: textParam('next_cursor of the previous page'),
};

/** The page a list route's parsed `limit` and `cursor` ask for. */
export function pageFrom(values: { limit?: number | undefined; cursor?: string | undefined }): Page {
  return { limit: values.limit ?? 50, cursor: values.cursor };
}

/** `?limit=` and `?cursor=` read without a route spec; prefer PAGE_PARAMS in `defineQuery`. */
export function readPage(c: Context): Page {
  const raw = c.req.query('limit');
  const limit = raw === undefined ? { value: undefined } : PAGE_PARAMS.limit.parse(raw);
  if ('error' in limit) throw new ValidationError('invalid_query', [{ path: 'limit', message: limit.error }]);
  return pageFrom({ limit: limit.value, cursor: c.req.query('cursor') || undefined });
}

/** A list response; `next_cursor` is null on the last page. */
export function pageOf<T extends { id: string }, V>(rows: T[], page: Page, view: (row: T) => V): { data: V[]; next_cursor: string | null } {
  return {
    data: rows.map(view),
    next_cursor: rows.length === page.limit ? (rows[rows.length - 1]?.id ?? null) : null,
  };
}

/** A query parameter restricted to known values, read without a route spec; prefer `enumParam`. */
export function readEnum(c: Context, name: string, allowed: readonly string[]): string | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  const result = enumParam(allowed, '').parse(raw);
  if ('error' in result) throw new ValidationError('invalid_query', [{ path: name, message: result.error }]);
  return result.value;
}
