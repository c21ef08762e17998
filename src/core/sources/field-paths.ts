/**
 * The path language of generic source mappings: `$` is the body, `.name` or `['name']` a field,
 * `[0]` an array item (`$.booking.attendees[0].email`). Nothing else: no filters, no expressions,
 * no code, so a mapping a user writes can only read the body it is given. Reading follows own
 * properties only (`$.constructor` finds nothing).
 */
import type { CodedProblem } from '../issue-codes.js';

/** A parsed path: field names and array indexes, in order. */
export type FieldPath = ReadonlyArray<string | number>;

/** Longest path text accepted, and most steps in one. */
export const MAX_PATH_LENGTH = 300;
export const MAX_PATH_STEPS = 32;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;
const INDEX = /^\[(\d{1,6})\]/;
const QUOTED = /^\['((?:[^'\\]|\\.){1,200})'\]/;

/** True when `text` is meant as a path (starts with `$`). */
export function isPathText(text: string): boolean {
  return text.startsWith('$');
}

/** Parses a path, or returns what is wrong with it (an issue code and its params). */
export function parseFieldPath(text: string): { path: FieldPath } | { problem: CodedProblem } {
  if (text.length > MAX_PATH_LENGTH) return { problem: { code: 'path_too_long', params: { count: MAX_PATH_LENGTH } } };
  if (!text.startsWith('$')) return { problem: { code: 'path_start' } };
  const steps: Array<string | number> = [];
  let rest = text.slice(1);
  while (rest !== '') {
    if (steps.length >= MAX_PATH_STEPS) return { problem: { code: 'path_too_deep', params: { count: MAX_PATH_STEPS } } };
    let match: RegExpExecArray | null;
    if (rest.startsWith('.') && (match = NAME.exec(rest.slice(1)))) {
      steps.push(match[0]);
      rest = rest.slice(1 + match[0].length);
    } else if ((match = INDEX.exec(rest))) {
      steps.push(Number(match[1]));
      rest = rest.slice(match[0].length);
    } else if ((match = QUOTED.exec(rest))) {
      steps.push(match[1]!.replace(/\\(.)/g, '$1'));
      rest = rest.slice(match[0].length);
    } else {
      return { problem: { code: 'path_syntax', params: { text: rest.slice(0, 20) } } };
    }
  }
  return { path: steps };
}

/** The value at `path` in `value`, or undefined when any step is missing. */
export function readFieldPath(value: unknown, path: FieldPath): unknown {
  let node = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(node) || step >= node.length) return undefined;
      node = node[step];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(node, step)) return undefined;
      node = (node as Record<string, unknown>)[step];
    }
  }
  return node;
}
