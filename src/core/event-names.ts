/**
 * Event names in the `appointment.` namespace are the engine's own: each one changes the booking
 * (`appointment.canceled` cancels it and its reminders). A misspelling such as
 * `appointment.cancelled` or an invented `appointment.updated` would otherwise be taken as a plain
 * custom event and change nothing, so the reminder still fires; events and flow triggers with
 * such names are refused instead.
 */

import { issueMessage, type CodedProblem } from './issue-codes.js';

export const APPOINTMENT_EVENT_NAMES = [
  'appointment.canceled',
  'appointment.checked_in',
  'appointment.completed',
  'appointment.created',
  'appointment.no_show',
  'appointment.rescheduled',
] as const;

export type AppointmentEventName = (typeof APPOINTMENT_EVENT_NAMES)[number];

const RESERVED_PREFIX = 'appointment.';

/** Why `name` cannot be used (an unknown `appointment.*` name), or undefined when it can. */
export function unknownEventName(name: string): string | undefined {
  const problem = unknownEventProblem(name);
  return problem && issueMessage(problem.code, problem.params);
}

/** unknownEventName's problem, coded: `unknown_event` with the name, a guess and the known names. */
export function unknownEventProblem(name: string): CodedProblem | undefined {
  if (!name.startsWith(RESERVED_PREFIX) || (APPOINTMENT_EVENT_NAMES as readonly string[]).includes(name)) return undefined;
  const guess = closestName(name);
  const params = { name, known: APPOINTMENT_EVENT_NAMES.join(', ') };
  return { code: 'unknown_event', params: guess ? { ...params, guess } : params };
}

/** The known name within a small edit distance (case ignored), if any. */
function closestName(name: string): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of APPOINTMENT_EVENT_NAMES) {
    const distance = editDistance(lower, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= 2 ? best : undefined;
}

/** Levenshtein distance; names are at most 100 characters, so the quadratic table is small. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
