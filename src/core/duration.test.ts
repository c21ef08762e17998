import { describe, expect, it } from 'vitest';
import { durationToMs, formatDuration, formatOffset, parseDuration, parseOffset } from './duration.js';

const H = 3_600_000;
const M = 60_000;

describe('parseDuration', () => {
  it.each([
    ['30s', { ms: 30_000, days: 0 }],
    ['15m', { ms: 15 * M, days: 0 }],
    ['2h', { ms: 2 * H, days: 0 }],
    ['1h30m', { ms: 90 * M, days: 0 }],
    ['90m', { ms: 90 * M, days: 0 }],
    ['1d', { ms: 0, days: 1 }],
    ['2w', { ms: 0, days: 14 }],
    ['1d 2h', { ms: 2 * H, days: 1 }],
    [' 1w 1d ', { ms: 0, days: 8 }],
    ['250ms', { ms: 250, days: 0 }],
    ['1m500ms', { ms: M + 500, days: 0 }],
    ['0s', { ms: 0, days: 0 }],
    ['PT24H', { ms: 24 * H, days: 0 }],
    ['P1D', { ms: 0, days: 1 }],
    ['P1DT2H', { ms: 2 * H, days: 1 }],
    ['PT1.5S', { ms: 1500, days: 0 }],
    ['P2W', { ms: 0, days: 14 }],
  ])('parses %s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each(['', '   ', '24 hours', '-1h', '1x', 'h', '1h2h', '1.5h', '1h30', 'P1M', 'P1Y', 'p1d', '-PT1H', 'PT-1H', 'P', 'PT', 'P1DT'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe('parseOffset', () => {
  it('reads an optional sign', () => {
    expect(parseOffset('-24h')).toEqual({ sign: -1, duration: { ms: 24 * H, days: 0 } });
    expect(parseOffset('+1d')).toEqual({ sign: 1, duration: { ms: 0, days: 1 } });
    expect(parseOffset('2h')).toEqual({ sign: 1, duration: { ms: 2 * H, days: 0 } });
    expect(parseOffset('- 30m')).toEqual({ sign: -1, duration: { ms: 30 * M, days: 0 } });
    expect(parseOffset('-PT24H')).toEqual({ sign: -1, duration: { ms: 24 * H, days: 0 } });
  });

  it('rejects text without a valid duration', () => {
    expect(parseOffset('-')).toBeNull();
    expect(parseOffset('--1h')).toBeNull();
    expect(parseOffset('+-1h')).toBeNull();
    expect(parseOffset('')).toBeNull();
  });
});

describe('formatDuration and formatOffset', () => {
  it('writes canonical compact text', () => {
    expect(formatDuration({ ms: 2 * H + 30 * M + 5_250, days: 1 })).toBe('1d2h30m5s250ms');
    expect(formatDuration({ ms: 24 * H, days: 0 })).toBe('24h');
    expect(formatDuration({ ms: 0, days: 0 })).toBe('0s');
  });

  it('signs offsets', () => {
    expect(formatOffset(-1, '24h')).toBe('-24h');
    expect(formatOffset(1, '24h')).toBe('+24h');
    expect(formatOffset(1, 'PT24H')).toBe('+24h');
    expect(formatOffset(-1, '2w')).toBe('-14d');
    expect(formatOffset(-1, '90m')).toBe('-1h30m');
    expect(formatOffset(-1, '0s')).toBe('+0s');
    expect(formatOffset(-1, ' nonsense ')).toBe('-nonsense');
  });

  it('round-trips through parseOffset', () => {
    expect(parseOffset(formatOffset(-1, '1d 2h'))).toEqual({ sign: -1, duration: { ms: 2 * H, days: 1 } });
  });
});

describe('durationToMs', () => {
  it('counts a day as 24 hours', () => {
    expect(durationToMs({ ms: 30 * M, days: 2 })).toBe(48 * H + 30 * M);
  });
});
