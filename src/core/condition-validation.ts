/**
 * Validation of condition lists (trigger conditions, branch `when`): shape, allowed fields and
 * the value each operator needs, so a flow that validates never fails a condition for a reason
 * the author could have been told about.
 */

import { z } from 'zod';
import { resolveTimeValue } from './conditions.js';
import type { FieldIssue } from './errors.js';
import { CONDITION_OPS } from './flow-definition.js';
import { issueAt, issueMessage } from './issue-codes.js';
import { check, isPlainObject, joinPath } from './validation-support.js';

/** The context roots a condition may read. */
export const CONDITION_ROOTS = ['event', 'contact', 'appointment', 'workspace', 'flow'] as const;

const ROOT_LIST = CONDITION_ROOTS.map((root) => `${root}.`).join(', ');

export const fieldConditionSchema = z
  .object({
    field: z.string().refine((field) => CONDITION_ROOTS.some((root) => field.startsWith(`${root}.`) && field.length > root.length + 1), {
      message: issueMessage('condition_field', { roots: ROOT_LIST }),
      params: { code: 'condition_field', roots: ROOT_LIST },
    }),
    op: z.enum(CONDITION_OPS),
    value: z.unknown().optional(),
  })
  .strict();

const listSchema = z.array(z.unknown());
const nonEmptyListSchema = z.array(z.unknown()).min(1);

/**
 * Checks a list of conditions at `path` (e.g. `trigger.conditions`), appending issues.
 * `min` is the least number of conditions required (default 0).
 */
export function validateConditions(input: unknown, path: string, issues: FieldIssue[], min = 0): void {
  const list = check(min > 0 ? z.array(z.unknown()).min(min) : listSchema, input, path, issues);
  list?.forEach((condition, i) => validateCondition(condition, `${path}[${i}]`, issues));
}

function validateCondition(input: unknown, path: string, issues: FieldIssue[]): void {
  if (!isPlainObject(input)) {
    issues.push(issueAt(path, 'expected_object'));
    return;
  }
  for (const key of ['all', 'any'] as const) {
    if (key in input) {
      // An empty `any` never holds and an empty `all` always does: both are authoring slips.
      const group = check(z.object({ [key]: nonEmptyListSchema }).strict(), input, path, issues);
      const members = group?.[key] as unknown[] | undefined;
      members?.forEach((member, i) => validateCondition(member, joinPath(path, `${key}[${i}]`), issues));
      return;
    }
  }
  if ('not' in input) {
    if (check(z.object({ not: z.unknown() }).strict(), input, path, issues)) {
      validateCondition(input.not, joinPath(path, 'not'), issues);
    }
    return;
  }
  const condition = check(fieldConditionSchema, input, path, issues);
  if (condition) checkValue(condition.op, condition.value, joinPath(path, 'value'), issues);
}

function checkValue(op: (typeof CONDITION_OPS)[number], value: unknown, path: string, issues: FieldIssue[]): void {
  if (op === 'exists' || op === 'not_exists') {
    if (value !== undefined) issues.push(issueAt(path, 'not_used_with', { op }));
    return;
  }
  if (value === undefined) {
    issues.push(issueAt(path, 'required'));
    return;
  }
  switch (op) {
    case 'in':
    case 'not_in':
      if (!Array.isArray(value)) issues.push(issueAt(path, 'expected_array'));
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (!isNumeric(value)) issues.push(issueAt(path, 'expected_number'));
      return;
    case 'before':
    case 'after':
      if (resolveTimeValue(value, 0) === null) issues.push(issueAt(path, 'condition_time'));
      return;
    default:
      if (value !== null && typeof value === 'object') {
        issues.push(issueAt(path, 'scalar'));
      }
  }
}

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}
