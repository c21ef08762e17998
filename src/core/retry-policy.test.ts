import { describe, expect, it } from 'vitest';
import {
  classifyHttpStatus,
  DEFAULT_RETRY_POLICY,
  nextRetryDelay,
  parseRetryAfter,
  shouldRetry,
  type RetryPolicy,
} from './retry-policy.js';

describe('classifyHttpStatus', () => {
  it.each([
    [200, 'success'],
    [204, 'success'],
    [299, 'success'],
    [408, 'retryable'],
    [409, 'retryable'],
    [425, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
    [599, 'retryable'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
    [422, 'permanent'],
    [101, 'permanent'],
    [301, 'permanent'],
    [304, 'permanent'],
  ] as const)('%i is %s', (status, expected) => {
    expect(classifyHttpStatus(status)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2015-10-21T07:28:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads HTTP dates relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
  });

  it('returns null when absent or invalid', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('nextRetryDelay', () => {
  const policy = DEFAULT_RETRY_POLICY;
  const low = (): number => 0;
  const mid = (): number => 0.5;

  it('grows exponentially with equal jitter', () => {
    expect(nextRetryDelay(1, policy, null, low)).toBe(5_000);
    expect(nextRetryDelay(1, policy, null, mid)).toBe(7_500);
    expect(nextRetryDelay(2, policy, null, low)).toBe(10_000);
    expect(nextRetryDelay(3, policy, null, mid)).toBe(30_000);
    expect(nextRetryDelay(5, policy, null, () => 0.999)).toBe(159_920);
  });

  it('caps at maxMs', () => {
    const small: RetryPolicy = { maxAttempts: 10, baseMs: 1_000, maxMs: 5_000 };
    expect(nextRetryDelay(10, small, null, mid)).toBe(3_750);
    expect(nextRetryDelay(100, policy, null, low)).toBe(1_800_000);
  });

  it('honours Retry-After exactly, capped at maxMs', () => {
    expect(nextRetryDelay(1, policy, 120_000, mid)).toBe(120_000);
    expect(nextRetryDelay(4, policy, 1_000, mid)).toBe(1_000);
    expect(nextRetryDelay(1, policy, -50, mid)).toBe(0);
    expect(nextRetryDelay(1, policy, 86_400_000, mid)).toBe(3_600_000);
  });
});

describe('shouldRetry', () => {
  it('allows attempts up to maxAttempts in all', () => {
    expect(shouldRetry(1, DEFAULT_RETRY_POLICY)).toBe(true);
    expect(shouldRetry(5, DEFAULT_RETRY_POLICY)).toBe(true);
    expect(shouldRetry(6, DEFAULT_RETRY_POLICY)).toBe(false);
  });
});
