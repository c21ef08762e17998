import type { z } from 'zod';
import { formatPath, type FieldIssue } from './errors.js';
import { isIssueCode, patternProblem, type CodedProblem } from './issue-codes.js';

/**
 * Turns zod issues into `{ path, message, code, params }` with paths like `steps[2].wait.until`.
 * Unknown keys get one issue each at the key's own path (`contact.emial: unknown field`),
 * which is what a person fixing the input needs to see.
 */
export function zodIssues(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: formatPath([...base, key]), message: 'unknown field', code: 'unknown_field' });
      continue;
    }
    if (issue.code === 'invalid_union') {
      issues.push(...unionIssues(issue, base));
      continue;
    }
    issues.push({ path: formatPath(base), ...describeIssue(issue) });
  }
  return issues;
}

/**
 * A value no branch of a union accepts. A discriminator that matches no option is `invalid_value`;
 * where every branch wants another type (`string | number`), one `invalid_type` issue naming them
 * all (`required` when the value is missing); otherwise the issues of the branch that came closest
 * (fewest issues), at their own paths.
 */
function unionIssues(issue: z.core.$ZodIssueInvalidUnion, base: PropertyKey[]): FieldIssue[] {
  const branches = issue.errors;
  const options = (issue as { options?: unknown[] }).options;
  if (branches.length === 0 && Array.isArray(options)) {
    // A discriminated union's discriminator (its path already names it) is none of the options.
    const values = options.map((v) => String(v)).join(', ');
    return [{ path: formatPath(base), message: `expected one of: ${values}`, code: 'invalid_value', params: { values } }];
  }
  const typeOnly = branches.length > 0 && branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0);
  if (typeOnly) {
    const received = /received (\w+)/.exec(branches[0]![0]!.message)?.[1] ?? 'something else';
    if (received === 'undefined') return [{ path: formatPath(base), message: 'required', code: 'required' }];
    const expected = [...new Set(branches.map((b) => (b[0] as z.core.$ZodIssueInvalidType).expected))].join(' | ');
    return [{ path: formatPath(base), message: `expected ${expected}, got ${received}`, code: 'invalid_type', params: { expected, received } }];
  }
  const closest = branches.reduce<z.core.$ZodIssue[] | undefined>((best, b) => (best === undefined || b.length < best.length ? b : best), undefined);
  if (!closest || closest.length === 0) return [{ path: formatPath(base), message: issue.message }];
  return zodIssues({ issues: closest } as z.ZodError, base);
}

type Described = Omit<FieldIssue, 'path'>;

function describeIssue(issue: z.core.$ZodIssue): Described {
  switch (issue.code) {
    case 'invalid_type': {
      // zod leaves `input` out of issues unless asked; its message names what it received.
      const received = /received (\w+)/.exec(issue.message)?.[1] ?? 'something else';
      if (received === 'undefined') return { message: 'required', code: 'required' };
      return { message: `expected ${issue.expected}, got ${received}`, code: 'invalid_type', params: { expected: issue.expected, received } };
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v)).join(', ');
      return { message: `expected one of: ${values}`, code: 'invalid_value', params: { values } };
    }
    case 'too_small':
      return { message: issue.message, code: 'too_small', params: { origin: issue.origin, minimum: Number(issue.minimum) } };
    case 'too_big':
      return { message: issue.message, code: 'too_big', params: { origin: issue.origin, maximum: Number(issue.maximum) } };
    case 'invalid_format': {
      // A pattern's message is the schema's own guidance ("expected a version such as 2026-03-15"); its code comes from codedPattern.
      if (issue.format !== 'regex') return { message: issue.message, code: 'invalid_format', params: { format: issue.format } };
      return { message: issue.message, ...(patternProblem(issue.pattern) ?? { code: 'format' }) };
    }
    case 'custom': {
      const problem = customProblem(issue);
      return problem ? { message: issue.message, ...problem } : { message: issue.message };
    }
    default:
      return { message: issue.message };
  }
}

/** The code a custom issue carries in `params.code` (see issue-codes.ts), with its other params. */
export function customProblem(issue: { params?: Record<string, unknown> | undefined }): CodedProblem | undefined {
  const { code, ...rest } = issue.params ?? {};
  if (!isIssueCode(code)) return undefined;
  const params = Object.fromEntries(Object.entries(rest).filter((entry): entry is [string, string | number] => ['string', 'number'].includes(typeof entry[1])));
  return Object.keys(params).length > 0 ? { code, params } : { code };
}
