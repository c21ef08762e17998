/**
 * Time maths for appointments: offsets in a timezone (DST-aware through luxon), zone
 * resolution, the human date Sesami calls `event.datetime`, and the `until` text of wait steps.
 */

import { DateTime } from 'luxon';
import { durationProblem, formatOffset, parseDuration, parseOffset, type SignedOffset } from './duration.js';
import { issueMessage, type CodedProblem } from './issue-codes.js';
import { ValidationError } from './errors.js';
import type { Anchor } from './flow-definition.js';
import { isValidZone } from './time-zones.js';

/**
 * The first valid IANA zone among the candidates, else `'UTC'`. The caller passes them in
 * priority order (appointment, contact, workspace); null, empty and unknown names are skipped.
 */
export function resolveZone(...candidates: Array<string | null | undefined>): string {
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && isValidZone(candidate)) return candidate;
  }
  return 'UTC';
}

/**
 * Moves an instant by a parsed offset. The calendar part (days) is applied first, in `zone`,
 * keeping the local wall-clock time (so it spans 23 or 25 real hours across a DST change; a
 * local time that falls in a DST gap moves forward, as luxon does); the exact part is then
 * added in absolute milliseconds. Throws a ValidationError for an unknown zone.
 */
export function shiftInstant(instantMs: number, offset: SignedOffset, zone: string): number {
  const { sign, duration } = offset;
  let result = instantMs;
  if (duration.days !== 0) {
    const local = DateTime.fromMillis(instantMs, { zone });
    if (!local.isValid) {
      throw new ValidationError('invalid_zone', [{ path: '', message: `unknown timezone "${zone}"` }]);
    }
    result = local.plus({ days: sign * duration.days }).toMillis();
  }
  return result + sign * duration.ms;
}

/**
 * Applies a signed offset text (`-24h`, `+1d`, `+0s`, `2h`; see `parseOffset`) to an instant in
 * an IANA zone: days keep the local wall-clock time, hours and smaller are exact. `-1d` from
 * 10:00 Paris on the day DST starts gives 10:00 the day before, 23 real hours earlier; `-24h`
 * gives 09:00. Throws a ValidationError (`invalid_offset`) for invalid offset text and
 * (`invalid_zone`) for an unknown zone when the offset has a days part.
 */
export function applyOffset(instantMs: number, offset: string, zone: string): number {
  const parsed = parseOffset(offset);
  if (!parsed) {
    throw new ValidationError('invalid_offset', [{ path: '', message: `invalid offset "${offset}"` }]);
  }
  return shiftInstant(instantMs, parsed, zone);
}

/** The instant `offset` away from the appointment's start or end, computed in `zone` (see {@link applyOffset}). */
export function anchorTime(
  appointment: { start_at: number; end_at: number },
  anchor: Anchor,
  offset: string,
  zone: string,
): number {
  const base = anchor === 'end' ? appointment.end_at : appointment.start_at;
  return applyOffset(base, offset, zone);
}

/**
 * A human date and time in `zone` (UTC when unknown), like Sesami's `event.datetime`. For `en-US` (the default)
 * exactly `July 29, 2022 at 04:30 PM`; for other locales the locale's long date with short
 * time (`30 juillet 2022 à 01:30`). An unknown locale falls back to the en-US shape.
 */
export function formatAppointmentDatetime(instantMs: number, zone: string, locale = 'en-US'): string {
  const local = DateTime.fromMillis(instantMs, { zone: resolveZone(zone) });
  if (locale.toLowerCase() !== 'en-us') {
    try {
      return local.setLocale(locale).toLocaleString({ dateStyle: 'long', timeStyle: 'short' });
    } catch {
      // Intl throws RangeError for a malformed locale tag; the en-US shape below is the fallback.
    }
  }
  return local.toFormat("MMMM d, yyyy 'at' hh:mm a", { locale: 'en-US' });
}

/** What a wait step's `until` text means; see {@link parseUntil}. */
export type ParsedUntil =
  | { type: 'time'; at: number }
  | { type: 'appointment'; anchor: Anchor; offset: string }
  | { error: string; problem: CodedProblem };

const APPOINTMENT_UNTIL = /^appointment\.([A-Za-z0-9_]*)\s*(?:([+-])\s*(.*?))?\s*$/s;
// An explicit zone is required: a bare local time would be read in the server's zone.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const UNTIL_HELP: CodedProblem = { code: 'iso_time' };

function untilError(problem: CodedProblem): { error: string; problem: CodedProblem } {
  return { error: issueMessage(problem.code, problem.params), problem };
}

/**
 * Parses a wait step's `until` text:
 * - an ISO 8601 date-time with `Z` or an offset (`2026-12-01T09:00:00Z`) → `{ type: 'time' }`;
 * - `appointment.start`, `appointment.start - 2h`, `appointment.end + 30m`, `appointment.start-2h`
 *   → `{ type: 'appointment', offset }` with a canonical signed offset (`-2h`; `+0s` when none);
 * - anything else → `{ error }` with a short message for the author.
 */
export function parseUntil(text: string): ParsedUntil {
  if (typeof text !== 'string') return untilError(UNTIL_HELP);
  const trimmed = text.trim();
  const appointment = APPOINTMENT_UNTIL.exec(trimmed);
  if (appointment) {
    const [, anchor = '', sign, durationText] = appointment;
    if (anchor !== 'start' && anchor !== 'end') return untilError({ code: 'unknown_anchor', params: { anchor } });
    if (sign === undefined) return { type: 'appointment', anchor, offset: '+0s' };
    if (!parseDuration(durationText ?? '')) return untilError(durationProblem(durationText ?? ''));
    return { type: 'appointment', anchor, offset: formatOffset(sign === '-' ? -1 : 1, durationText ?? '') };
  }
  if (ISO_WITH_ZONE.test(trimmed)) {
    const at = DateTime.fromISO(trimmed, { setZone: true });
    if (at.isValid) return { type: 'time', at: at.toMillis() };
  }
  return untilError(UNTIL_HELP);
}
