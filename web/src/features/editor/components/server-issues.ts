/** Server issues (`steps[2].wait.until: …`) grouped by the node they belong to, with the field inside it. */
import type { FieldIssue } from '../api/flow-api';
import { locateIssuePath } from '../store/step-paths';

export function pinIssues(issues: readonly FieldIssue[]): Map<string, Array<FieldIssue & { field: string }>> {
  const out = new Map<string, Array<FieldIssue & { field: string }>>();
  for (const issue of issues) {
    const { target, field } = locateIssuePath(issue.path);
    const list = out.get(target) ?? [];
    list.push({ ...issue, field });
    out.set(target, list);
  }
  return out;
}

/** Messages for `field` and everything under it (`email.headers` collects `email.headers.X-Key`). */
export function issuesUnder(issues: ReadonlyArray<FieldIssue & { field: string }> | undefined, field: string): string[] {
  return (issues ?? [])
    .filter((i) => i.field === field || i.field.startsWith(`${field}.`) || i.field.startsWith(`${field}[`))
    .map((i) => (i.field === field ? i.message : `${i.field.slice(field.length + 1)}: ${i.message}`));
}
