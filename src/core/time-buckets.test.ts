import { describe, expect, it } from 'vitest';
import { bucketOf, bucketsFor, checkPeriod } from './time-buckets.js';

const at = (iso: string) => Date.parse(iso);

describe('time buckets', () => {
  it('days in a zone follow local midnight across a clock change, in a few equal-width runs', () => {
    // Los Angeles leaves daylight saving time at 02:00 on 1 November 2026: that day has 25 hours.
    const b = bucketsFor(at('2026-10-30T12:00:00Z'), at('2026-11-03T12:00:00Z'), 'day', 'America/Los_Angeles');
    expect(b.starts.map((t) => new Date(t).toISOString())).toEqual([
      '2026-10-30T07:00:00.000Z',
      '2026-10-31T07:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
      '2026-11-02T08:00:00.000Z',
      '2026-11-03T08:00:00.000Z',
    ]);
    expect(b.runs.map((r) => [r.first, r.width / 3_600_000])).toEqual([[0, 24], [2, 25], [3, 24]]);
    expect(bucketOf(b, at('2026-11-02T07:59:59Z'))).toBe(2);
    expect(bucketOf(b, at('2026-11-02T08:00:00Z'))).toBe(3);
    expect(bucketOf(b, at('2026-10-30T06:59:59Z'))).toBe(-1);
  });

  it('hours in a half-hour zone start at local whole hours and make one run', () => {
    const b = bucketsFor(at('2026-11-23T00:00:00Z'), at('2026-11-23T03:00:00Z'), 'hour', 'Asia/Kolkata');
    expect(b.starts.map((t) => new Date(t).toISOString())).toEqual([
      '2026-11-22T23:30:00.000Z',
      '2026-11-23T00:30:00.000Z',
      '2026-11-23T01:30:00.000Z',
      '2026-11-23T02:30:00.000Z',
    ]);
    expect(b.runs).toHaveLength(1);
  });

  it('refuses a backwards or too long period, and hours over more than 31 days', () => {
    expect(checkPeriod(2, 1, 'day')).toMatchObject({ path: 'from' });
    expect(checkPeriod(0, 367 * 86_400_000, 'day')).toMatchObject({ path: 'to' });
    expect(checkPeriod(0, 366 * 86_400_000, 'day')).toBeNull();
    expect(checkPeriod(0, 32 * 86_400_000, 'hour')).toMatchObject({ path: 'interval' });
  });
});
