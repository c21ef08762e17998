/**
 * Event names in the `appointment.` namespace are the engine's own: each one changes the booking
 * (`appointment.canceled` cancels it and its reminders). A misspelling such as
 * `appointment.cancelled` or an invented `appointment.updated` would otherwise be stored as a plain
 * custom event and change nothing, so the reminder still fires; such names are refused instead.
 */
import { formatPath, NudgeError } from '../core/errors.js';

const RESERVED_PREFIX = 'appointment.';

/** Throws a 422 `unknown_event` (path: the name's field) for an unknown `appointment.*` name. */
export function checkEventName(name: string, known: readonly string[], path: ReadonlyArray<PropertyKey>): void {
  if (!name.startsWith(RESERVED_PREFIX) || known.includes(name)) return;
  const sorted = [...known].sort();
  const guess = closestName(name, sorted);
  const hint = guess ? ` (did you mean ${guess}?)` : '';
  throw new NudgeError('unknown_event', `unknown appointment event ${name}${hint}; known: ${sorted.join(', ')}`, {
    status: 422,
    path: formatPath(path),
  });
}

/** The known name within a small edit distance (case ignored), if exactly one is closest. */
function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
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
