/**
 * Calendar buckets (days or hours) in a timezone, for counting what happened in a period.
 *
 * A database groups epoch milliseconds, not local dates, so the buckets are handed to it as a few
 * runs of equal-width buckets: `bucket = run.first + (t - run.start) / run.width` (integer division).
 * Local hours are 3,600,000 ms each all year round in every zone whose daylight-saving shifts are
 * whole hours, so hours make one run; local days are 86,400,000 ms except on the days clocks move
 * (23 or 25 hours), so a year of days makes at most five runs. The expression stays short however
 * long the period is, and both SQLite and PostgreSQL evaluate it on integer columns.
 */
import { DateTime } from 'luxon';
import type { FieldIssue } from './errors.js';
import { issueAt } from './issue-codes.js';

export type BucketInterval = 'day' | 'hour';

/** Longest period a count may cover (`to - from`), in days. */
export const MAX_PERIOD_DAYS = 366;
/** Longest period of hourly buckets, in days: 744 buckets. */
export const MAX_HOURLY_PERIOD_DAYS = 31;

const DAY_MS = 86_400_000;

/** Buckets of equal width in a row: bucket `first + i` starts at `start + i × width`. */
export interface BucketRun {
  first: number;
  start: number;
  width: number;
  /** Exclusive: where the next run starts. */
  end: number;
}

export interface Buckets {
  /** Start of each bucket, epoch ms; the first one may begin before `from` (it holds `from`). */
  starts: number[];
  runs: BucketRun[];
}

/** A period that the count functions accept, or the reason it is refused (with the field to blame). */
export function checkPeriod(from: number, to: number, interval: BucketInterval): FieldIssue | null {
  if (!(from < to)) return issueAt('from', 'before_other', { other: 'to' });
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) return issueAt('to', 'period_too_long', { days: MAX_PERIOD_DAYS });
  if (interval === 'hour' && to - from > MAX_HOURLY_PERIOD_DAYS * DAY_MS) {
    return issueAt('interval', 'hourly_too_long', { days: MAX_HOURLY_PERIOD_DAYS });
  }
  return null;
}

/** The buckets of `interval` in `zone` that cover [from, to). Assumes `checkPeriod` passed. */
export function bucketsFor(from: number, to: number, interval: BucketInterval, zone: string): Buckets {
  const starts: number[] = [];
  let at = DateTime.fromMillis(from, { zone }).startOf(interval);
  while (at.toMillis() < to) {
    starts.push(at.toMillis());
    at = at.plus(interval === 'day' ? { days: 1 } : { hours: 1 });
  }
  const ends = [...starts.slice(1), at.toMillis()];
  const runs: BucketRun[] = [];
  starts.forEach((start, i) => {
    const width = ends[i]! - start;
    const last = runs[runs.length - 1];
    if (last && last.width === width && last.end === start) last.end = ends[i]!;
    else runs.push({ first: i, start, width, end: ends[i]! });
  });
  return { starts, runs };
}

/** The index of the bucket holding `t`, or -1 when it is outside them (the same rule as the SQL). */
export function bucketOf(buckets: Buckets, t: number): number {
  for (const run of buckets.runs) {
    if (t >= run.start && t < run.end) return run.first + Math.floor((t - run.start) / run.width);
  }
  return -1;
}
