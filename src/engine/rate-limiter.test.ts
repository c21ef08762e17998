import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows up to the limit in a window, then says how long to wait', () => {
    const r = new RateLimiter();
    const slack = [{ limit: 1, intervalMs: 1000 }];
    expect(r.reserve('u', slack, 10_000)).toBe(0);
    expect(r.reserve('u', slack, 10_400)).toBe(600);
    expect(r.reserve('u', slack, 10_999)).toBe(1);
    expect(r.reserve('u', slack, 11_000)).toBe(0);
    expect(r.reserve('other', slack, 11_000)).toBe(0);
  });

  it('applies every window: a burst limit and a per-minute limit', () => {
    const r = new RateLimiter();
    const limits = [
      { limit: 3, intervalMs: 1000 },
      { limit: 5, intervalMs: 60_000 },
    ];
    for (let i = 0; i < 3; i++) expect(r.reserve('k', limits, 0)).toBe(0);
    expect(r.reserve('k', limits, 0)).toBe(1000);
    expect(r.reserve('k', limits, 1000)).toBe(0);
    expect(r.reserve('k', limits, 1000)).toBe(0);
    // Five in the last minute: the next fits when the first ages out, at 60 s.
    expect(r.reserve('k', limits, 2000)).toBe(58_000);
    expect(r.reserve('k', limits, 60_001)).toBe(0);
  });
});
