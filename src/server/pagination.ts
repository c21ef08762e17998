import { integerParam, textParam } from './query-params.js';

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

/** A list response; `next_cursor` is null on the last page. */
export function pageOf<T extends { id: string }, V>(rows: T[], page: Page, view: (row: T) => V): { data: V[]; next_cursor: string | null } {
  return {
    data: rows.map(view),
    next_cursor: rows.length === page.limit ? (rows[rows.length - 1]?.id ?? null) : null,
  };
}
