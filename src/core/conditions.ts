/**
 * Evaluates flow conditions against a context (`event`, `contact`, `appointment`, `workspace`,
 * `flow`). Values arrive from JSON, forms and booking systems, so comparisons are deliberately
 * loose across strings and numbers (`"149"` equals `149`) but never across case.
 */

import { DateTime } from 'luxon';
import { shiftInstant } from './appointment-timing.js';
import { parseOffset } from './duration.js';
import type { Condition, FieldCondition } from './flow-definition.js';

/**
 * Reads a dotted path (`appointment.service_name`, `event.items.0.sku`). Numeric segments index
 * arrays. Only own properties are read, so `constructor` or `__proto__` never leak in. Returns
 * undefined when any segment is missing.
 */
export function getPath(context: unknown, path: string): unknown {
  let current: unknown = context;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** All conditions must hold. An empty or absent list holds. */
export function evaluateConditions(
  conditions: Condition[] | undefined,
  context: Record<string, unknown>,
  now: number,
): boolean {
  if (!conditions) return true;
  return conditions.every((condition) => evaluateCondition(condition, context, now));
}

/**
 * Evaluates one condition. `{ all }` holds when every member holds (empty: true), `{ any }` when
 * one does (empty: false), `{ not }` negates. For a field condition whose field is missing
 * (undefined or null), only `not_equals`, `not_in`, `not_contains` and `not_exists` hold.
 */
export function evaluateCondition(condition: Condition, context: Record<string, unknown>, now: number): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, context, now));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, context, now));
  if ('not' in condition) return !evaluateCondition(condition.not, context, now);
  return evaluateField(condition, getPath(context, condition.field), now);
}

function evaluateField(condition: FieldCondition, actual: unknown, now: number): boolean {
  const expected = condition.value;
  const missing = actual === undefined || actual === null;
  switch (condition.op) {
    case 'exists':
      return !missing && actual !== '';
    case 'not_exists':
      return missing || actual === '';
    case 'not_equals':
    case 'not_in':
    case 'not_contains':
      return missing || !evaluatePresent(positive(condition.op), actual, expected, now);
    default:
      return !missing && evaluatePresent(condition.op, actual, expected, now);
  }
}

type PositiveOp = 'equals' | 'in' | 'contains' | 'gt' | 'gte' | 'lt' | 'lte' | 'before' | 'after';

function positive(op: 'not_equals' | 'not_in' | 'not_contains'): PositiveOp {
  return op === 'not_equals' ? 'equals' : op === 'not_in' ? 'in' : 'contains';
}

function evaluatePresent(op: PositiveOp, actual: unknown, expected: unknown, now: number): boolean {
  switch (op) {
    case 'equals':
      return looseEquals(actual, expected);
    case 'in':
      return Array.isArray(expected) && expected.some((item) => looseEquals(actual, item));
    case 'contains':
      return contains(actual, expected);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compareNumbers(op, toNumber(actual), toNumber(expected));
    case 'before':
    case 'after': {
      const left = toInstant(actual);
      const right = resolveTimeValue(expected, now);
      if (left === null || right === null) return false;
      return op === 'before' ? left < right : left > right;
    }
  }
}

/**
 * Equality as a flow author means it: identical values; a number and a numeric string with the
 * same value (`149` and `"149"`, `1.5` and `" 1.50"`); a boolean and its text (`true`, `"true"`).
 * Strings compare case-sensitively. Objects and arrays are equal only when identical.
 */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'string') return numericString(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return numericString(a) === b;
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'boolean') return a === String(b);
  return false;
}

function numericString(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') {
    if (typeof expected === 'string') return actual.includes(expected);
    if (typeof expected === 'number' || typeof expected === 'boolean') return actual.includes(String(expected));
    return false;
  }
  if (Array.isArray(actual)) return actual.some((item) => looseEquals(item, expected));
  return false;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return numericString(value);
  return null;
}

function compareNumbers(op: 'gt' | 'gte' | 'lt' | 'lte', left: number | null, right: number | null): boolean {
  if (left === null || right === null) return false;
  if (op === 'gt') return left > right;
  if (op === 'gte') return left >= right;
  if (op === 'lt') return left < right;
  return left <= right;
}

/** An instant from epoch milliseconds or an ISO 8601 string (a zone-less ISO time is read as UTC). */
function toInstant(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const parsed = DateTime.fromISO(value.trim(), { zone: 'utc' });
  return parsed.isValid ? parsed.toMillis() : null;
}

/**
 * The right-hand side of before / after: epoch ms, an ISO string, `now`, or `now` followed by a
 * signed duration (`now-24h`, `now+1d`; days are calendar days in UTC). Null when unparsable.
 */
export function resolveTimeValue(value: unknown, now: number): number | null {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === 'now') return now;
    if (text.startsWith('now')) {
      const rest = text.slice(3).trim();
      if (!rest.startsWith('+') && !rest.startsWith('-')) return null;
      const offset = parseOffset(rest);
      return offset ? shiftInstant(now, offset, 'UTC') : null;
    }
  }
  return toInstant(value);
}
