/**
 * The ranges the engine can hold, as zod schemas every boundary (event bodies, route bodies,
 * query parameters) uses, so a number or time that would overflow a column, leave the JS date
 * range or break start/end arithmetic is refused with its field's path instead of failing later
 * as a 500 or being stored and breaking every read of it.
 */
import { z } from 'zod';

/**
 * Largest count (quantity, and similar integers): PostgreSQL `integer` columns hold 2^31 - 1;
 * SQLite would hold more, so the smaller bound keeps both stores answering the same.
 */
export const MAX_COUNT = 2_147_483_647;

/**
 * Longest duration in minutes (366 days). An appointment's end is start + duration × 60,000 ms;
 * with a start up to year 9999 this keeps the end far inside the JS date range (±8.64e15 ms) and
 * the value inside an `integer` column.
 */
export const MAX_DURATION_MINUTES = 527_040;

/**
 * Longest duration a flow may write (waits, trigger offsets, webhook timeouts): about ten years.
 * Any accepted time (years 0000–9999) plus or minus this stays far inside the JS date range, so a
 * timer always has a time.
 */
export const MAX_FLOW_DURATION_DAYS = 3660;

/**
 * An instant as ISO 8601 with a `Z` or an offset (`2026-12-01T10:00:00+01:00`). Four-digit years
 * only, so every accepted time lies in years 0000–9999: a safe integer of epoch milliseconds that
 * BIGINT columns, `Date` and offsets of any valid duration can all hold. A time without an offset
 * is refused because its instant would depend on the server's timezone.
 */
export const isoTimeSchema = z.iso.datetime({ offset: true, local: false, error: 'expected an ISO 8601 time with Z or an offset, e.g. 2026-12-01T10:00:00Z' });

/** Whole minutes from 0 to MAX_DURATION_MINUTES. */
export const durationMinutesSchema = z
  .number()
  .int({ error: 'expected whole minutes' })
  .min(0)
  .max(MAX_DURATION_MINUTES, { error: `expected at most ${MAX_DURATION_MINUTES} minutes (366 days)` });

/** A whole number from 0 to MAX_COUNT. */
export const countSchema = z.number().int().min(0).max(MAX_COUNT);

/** Epoch milliseconds of a time `isoTimeSchema` accepted, or null for anything else. */
export function parseIsoTime(text: unknown): number | null {
  if (!isoTimeSchema.safeParse(text).success) return null;
  return Date.parse(text as string);
}

/**
 * A stored time as ISO text, or null when the value is outside the JS date range. Validation keeps
 * such values out; views format defensively anyway so one bad row cannot turn a listing into a 500.
 */
export function formatStoredTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
