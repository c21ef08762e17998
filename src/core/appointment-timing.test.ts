import { describe, expect, it } from 'vitest';
import {
  anchorTime,
  applyOffset,
  formatAppointmentDatetime,
  parseUntil,
  resolveZone,
} from './appointment-timing.js';
import { ValidationError } from './errors.js';
import { isValidZone } from './time-zones.js';

const H = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);

describe('applyOffset across DST', () => {
  // Europe/Paris springs forward on 2026-03-29 at 02:00 (UTC+1 → UTC+2).
  const parisMorning = utc('2026-03-29T08:00:00Z'); // 10:00 CEST

  it('keeps wall-clock time for calendar days (Paris, 23 real hours)', () => {
    const result = applyOffset(parisMorning, '-1d', 'Europe/Paris');
    expect(new Date(result).toISOString()).toBe('2026-03-28T09:00:00.000Z'); // 10:00 CET
    expect(parisMorning - result).toBe(23 * H);
  });

  it('is exact for hours (Paris)', () => {
    expect(new Date(applyOffset(parisMorning, '-24h', 'Europe/Paris')).toISOString()).toBe('2026-03-28T08:00:00.000Z');
  });

  // America/New_York falls back on 2026-11-01 at 02:00 (UTC-4 → UTC-5).
  const newYorkMorning = utc('2026-11-01T15:00:00Z'); // 10:00 EST

  it('keeps wall-clock time for calendar days (New York, 25 real hours)', () => {
    const result = applyOffset(newYorkMorning, '-1d', 'America/New_York');
    expect(new Date(result).toISOString()).toBe('2026-10-31T14:00:00.000Z'); // 10:00 EDT
    expect(newYorkMorning - result).toBe(25 * H);
  });

  it('is exact for hours (New York)', () => {
    expect(new Date(applyOffset(newYorkMorning, '-24h', 'America/New_York')).toISOString()).toBe(
      '2026-10-31T15:00:00.000Z',
    );
  });

  it('applies days, then the exact part', () => {
    // +1d gives 2026-03-29 01:00 CET, then +2h exact gives 04:00 CEST (02:00-03:00 does not exist).
    // Hours first would give 03:00 CET on the 28th, then 03:00 CEST on the 29th: 01:00Z.
    const start = utc('2026-03-28T00:00:00Z'); // 01:00 CET
    expect(new Date(applyOffset(start, '+1d 2h', 'Europe/Paris')).toISOString()).toBe('2026-03-29T02:00:00.000Z');
  });

  it('accepts +0s and unsigned text', () => {
    expect(applyOffset(parisMorning, '+0s', 'Europe/Paris')).toBe(parisMorning);
    expect(applyOffset(parisMorning, '2h', 'UTC')).toBe(parisMorning + 2 * H);
  });

  it('throws a ValidationError for an invalid offset or zone', () => {
    expect(() => applyOffset(0, '24 hours', 'UTC')).toThrow(ValidationError);
    expect(() => applyOffset(0, '24 hours', 'UTC')).toThrow('invalid offset "24 hours"');
    expect(() => applyOffset(0, '-1d', 'Mars/Base')).toThrow('unknown timezone "Mars/Base"');
  });
});

describe('anchorTime', () => {
  const appointment = { start_at: utc('2026-06-10T14:00:00Z'), end_at: utc('2026-06-10T15:00:00Z') };

  it('offsets from start or end', () => {
    expect(anchorTime(appointment, 'start', '-24h', 'UTC')).toBe(utc('2026-06-09T14:00:00Z'));
    expect(anchorTime(appointment, 'end', '+1h', 'UTC')).toBe(utc('2026-06-10T16:00:00Z'));
  });
});

describe('zones', () => {
  it('recognises IANA zones', () => {
    expect(isValidZone('Europe/Paris')).toBe(true);
    expect(isValidZone('UTC')).toBe(true);
    expect(isValidZone('Mars/Base')).toBe(false);
    expect(isValidZone('')).toBe(false);
  });

  it('resolves the first valid candidate, else UTC', () => {
    expect(resolveZone(null, 'Nowhere/Land', 'America/Toronto', 'Europe/Paris')).toBe('America/Toronto');
    expect(resolveZone(undefined, '', null)).toBe('UTC');
    expect(resolveZone()).toBe('UTC');
  });
});

describe('formatAppointmentDatetime', () => {
  const instant = utc('2022-07-29T23:30:00Z');

  it('matches the Sesami shape for en-US', () => {
    expect(formatAppointmentDatetime(instant, 'America/Los_Angeles')).toBe('July 29, 2022 at 04:30 PM');
    expect(formatAppointmentDatetime(utc('2022-01-05T17:05:00Z'), 'America/Los_Angeles', 'en-US')).toBe(
      'January 5, 2022 at 09:05 AM',
    );
  });

  it('uses the locale long date for other locales', () => {
    expect(formatAppointmentDatetime(instant, 'Europe/Paris', 'fr-FR')).toBe('30 juillet 2022 à 01:30');
  });

  it('falls back to UTC for an unknown zone and en-US for a malformed locale', () => {
    expect(formatAppointmentDatetime(instant, 'Mars/Base', 'not a locale!')).toBe('July 29, 2022 at 11:30 PM');
  });
});

describe('parseUntil', () => {
  it.each([
    ['2026-12-01T09:00:00Z', { type: 'time', at: utc('2026-12-01T09:00:00Z') }],
    ['2026-12-01T10:00:00+01:00', { type: 'time', at: utc('2026-12-01T09:00:00Z') }],
    ['2026-12-01T09:00Z', { type: 'time', at: utc('2026-12-01T09:00:00Z') }],
    ['appointment.start', { type: 'appointment', anchor: 'start', offset: '+0s' }],
    ['appointment.start - 2h', { type: 'appointment', anchor: 'start', offset: '-2h' }],
    ['appointment.start-2h', { type: 'appointment', anchor: 'start', offset: '-2h' }],
    ['appointment.end + 30m', { type: 'appointment', anchor: 'end', offset: '+30m' }],
    ['appointment.end + PT1H', { type: 'appointment', anchor: 'end', offset: '+1h' }],
    ['appointment.begin', { error: 'unknown anchor "begin"', problem: { code: 'unknown_anchor', params: { anchor: 'begin' } } }],
    ['appointment.begin - 2h', { error: 'unknown anchor "begin"', problem: { code: 'unknown_anchor', params: { anchor: 'begin' } } }],
    [
      'appointment.start - 2 hours',
      { error: 'invalid duration "2 hours" (use 30s, 15m, 2h, 1d or ISO 8601)', problem: { code: 'duration', params: { text: '2 hours' } } },
    ],
    ['2026-12-01T09:00:00', { error: 'expected an ISO time or appointment.start|end ± duration', problem: { code: 'iso_time' } }],
    ['2026-12-01', { error: 'expected an ISO time or appointment.start|end ± duration', problem: { code: 'iso_time' } }],
    ['2026-13-01T09:00:00Z', { error: 'expected an ISO time or appointment.start|end ± duration', problem: { code: 'iso_time' } }],
    ['tomorrow', { error: 'expected an ISO time or appointment.start|end ± duration', problem: { code: 'iso_time' } }],
  ])('parses %j', (text, expected) => {
    expect(parseUntil(text)).toEqual(expected);
  });
});
