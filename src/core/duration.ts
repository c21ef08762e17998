/**
 * Durations as flow authors write them (`30s`, `1h30m`, `1d`, `PT24H`) and signed offsets
 * (`-24h`, `+1d`). A duration keeps its calendar part (days) apart from its exact part (ms)
 * because "1 day before 10:00" must stay at 10:00 local across a DST change, while "24 hours
 * before" is exact.
 */

import { Duration as LuxonDuration } from 'luxon';
import { MAX_FLOW_DURATION_DAYS } from './input-ranges.js';
import { issueMessage, type CodedProblem } from './issue-codes.js';

/** A parsed duration: `ms` is the exact part (ms, s, m, h), `days` the calendar part (d, w = 7d). */
export interface Duration {
  ms: number;
  days: number;
}

/** A duration with a direction: `-24h` is `{ sign: -1, duration: { ms: 86_400_000, days: 0 } }`. */
export interface SignedOffset {
  sign: 1 | -1;
  duration: Duration;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY_MS = 24 * HOUR;

/** Milliseconds per exact unit; `d` and `w` are calendar units handled apart. */
const EXACT_UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR };
const CALENDAR_UNITS: Record<string, number> = { d: 1, w: 7 };

// `ms` must come before `m` and `s` in the alternation so `5ms` is not read as `5m` + garbage.
const COMPACT_PART = /(\d+)\s*(ms|s|m|h|d|w)/y;

/**
 * Parses a non-negative duration: compact (`30s`, `15m`, `2h`, `1h30m`, `90m`, `1d`, `2w`,
 * `1d 2h`; units ms, s, m, h, d, w, each at most once) or ISO 8601 (`PT24H`, `P1D`, `P1DT2H`,
 * `P2W`). ISO months and years are refused: their length is ambiguous. `0s` is a valid (zero)
 * duration. Returns null for empty or invalid text, for negative values and for durations longer
 * than MAX_FLOW_DURATION_DAYS (a longer wait or offset could leave the date range and store a
 * timer without a time).
 */
export function parseDuration(text: string): Duration | null {
  const parsed = parseAnyDuration(text);
  return parsed && durationToMs(parsed) <= MAX_FLOW_DURATION_DAYS * DAY_MS ? parsed : null;
}

function parseAnyDuration(text: string): Duration | null {
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (trimmed.startsWith('P')) return parseIsoDuration(trimmed);
  return parseCompactDuration(trimmed);
}

function parseCompactDuration(text: string): Duration | null {
  const seen = new Set<string>();
  let ms = 0;
  let days = 0;
  let index = 0;
  while (index < text.length) {
    if (text[index] === ' ') {
      index += 1;
      continue;
    }
    COMPACT_PART.lastIndex = index;
    const match = COMPACT_PART.exec(text);
    if (!match) return null;
    const [whole, digits, unit] = match as unknown as [string, string, string];
    // A repeated unit (`1h2h`) is almost always a typo; refuse rather than guess.
    if (seen.has(unit)) return null;
    seen.add(unit);
    const amount = Number(digits);
    const exact = EXACT_UNITS[unit];
    if (exact !== undefined) ms += amount * exact;
    else days += amount * (CALENDAR_UNITS[unit] ?? 0);
    index += whole.length;
  }
  if (seen.size === 0 || !Number.isSafeInteger(ms) || !Number.isSafeInteger(days)) return null;
  return { ms, days };
}

function parseIsoDuration(text: string): Duration | null {
  // luxon accepts the empty forms `P` and `PT`, and a dangling `T`; ISO 8601 does not.
  if (!/\d/.test(text) || text.endsWith('T')) return null;
  const parsed = LuxonDuration.fromISO(text);
  if (!parsed.isValid) return null;
  const o = parsed.toObject();
  if (o.years || o.quarters || o.months) return null;
  const values = Object.values(o) as number[];
  if (values.some((v) => v < 0)) return null;
  const days = (o.weeks ?? 0) * 7 + (o.days ?? 0);
  const ms =
    (o.hours ?? 0) * HOUR + (o.minutes ?? 0) * MINUTE + (o.seconds ?? 0) * SECOND + (o.milliseconds ?? 0);
  // Fractional days (`P1.5D`) have no clear wall-clock meaning; fractional seconds are fine.
  if (!Number.isInteger(days) || !Number.isSafeInteger(Math.round(ms))) return null;
  return { ms: Math.round(ms), days };
}

/**
 * Parses a signed offset: an optional leading `+` or `-` (default `+`), optional spaces, then a
 * duration as accepted by {@link parseDuration}: `-24h`, `+1d`, `2h`, `- 30m`, `-PT24H`.
 */
export function parseOffset(text: string): SignedOffset | null {
  if (typeof text !== 'string') return null;
  const match = /^\s*([+-]?)\s*(.*)$/s.exec(text);
  if (!match) return null;
  const duration = parseDuration(match[2] ?? '');
  if (!duration) return null;
  return { sign: match[1] === '-' ? -1 : 1, duration };
}

/**
 * Canonical compact text for a duration: `1d2h30m`, `24h`, `500ms`, `0s` for zero. Weeks are
 * written as days (`2w` → `14d`) and hours are never folded into days (`24h` stays `24h`),
 * because days and hours mean different things across DST.
 */
export function formatDuration(duration: Duration): string {
  let out = duration.days > 0 ? `${duration.days}d` : '';
  let rest = duration.ms;
  for (const [unit, size] of [['h', HOUR], ['m', MINUTE], ['s', SECOND]] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) out += `${amount}${unit}`;
    rest -= amount * size;
  }
  if (rest > 0) out += `${rest}ms`;
  return out === '' ? '0s' : out;
}

/**
 * Canonical signed offset text: `formatOffset(-1, '24h') === '-24h'`,
 * `formatOffset(1, 'PT24H') === '+24h'`, `formatOffset(-1, '0s') === '+0s'` (zero has no
 * direction). Text that is not a valid duration is kept as written (trimmed) after the sign, so
 * the error surfaces where the offset is applied.
 */
export function formatOffset(sign: 1 | -1, durationText: string): string {
  const parsed = parseDuration(durationText);
  if (!parsed) return `${sign < 0 ? '-' : '+'}${durationText.trim()}`;
  const zero = parsed.ms === 0 && parsed.days === 0;
  return `${sign < 0 && !zero ? '-' : '+'}${formatDuration(parsed)}`;
}

/**
 * Total milliseconds, counting a day as exactly 24h. For timeouts, lateness and other places
 * where calendar days do not matter; for wall-clock maths use `applyOffset`.
 */
export function durationToMs(duration: Duration): number {
  return duration.days * DAY_MS + duration.ms;
}

/** The message every duration field uses, so authors see one wording. */
export function invalidDurationMessage(text: string): string {
  const problem = durationProblem(text);
  return issueMessage(problem.code, problem.params);
}

/** Why `text` is not a flow duration, as a coded problem (too long, or not a duration at all). */
export function durationProblem(text: string): CodedProblem {
  if (parseAnyDuration(text)) return { code: 'duration_too_long', params: { text, days: MAX_FLOW_DURATION_DAYS } };
  return { code: 'duration', params: { text } };
}
