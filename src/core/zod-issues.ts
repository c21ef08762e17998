import type { z } from 'zod';
import { formatPath, type FieldIssue } from './errors.js';

/**
 * Turns zod issues into `{ path, message }` pairs with paths like `steps[2].wait.until`.
 * Unknown keys get one issue each at the key's own path (`contact.emial: unknown field`),
 * which is what a person fixing the input needs to see.
 */
export function zodIssues(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: formatPath([...base, key]), message: 'unknown field' });
      continue;
    }
    issues.push({ path: formatPath(base), message: describeIssue(issue) });
  }
  return issues;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    // zod leaves `input` out of issues unless asked; its message names what it received.
    const received = /received (\w+)/.exec(issue.message)?.[1] ?? 'something else';
    if (received === 'undefined') return 'required';
    return `expected ${issue.expected}, got ${received}`;
  }
  if (issue.code === 'invalid_value') {
    return `expected one of: ${issue.values.map((v) => String(v)).join(', ')}`;
  }
  return issue.message;
}
