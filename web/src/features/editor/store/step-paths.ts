/**
 * Addresses inside a flow document, written exactly as the server writes error paths:
 * a step is `steps[2]` or `steps[1].branch.branches[0].steps[3]`, a list of steps is `steps`,
 * `steps[1].branch.branches[0].steps` or `steps[1].branch.otherwise`. Using the server's notation
 * lets an error path be pinned to its node by prefix, with no translation table.
 */
import type { StepDefinition } from '../../../../../src/core/flow-definition';
import { STEP_KINDS, type StepKind } from '../../../../../src/core/flow-definition';

export type StepPath = string;
export type ListPath = string;
export type PathToken = string | number;

/** `steps[1].branch.branches[0]` → ['steps', 1, 'branch', 'branches', 0]. */
export function tokenize(path: string): PathToken[] {
  const tokens: PathToken[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) tokens.push(Number(m[2]));
    else if (m[1] !== undefined) tokens.push(m[1]);
  }
  return tokens;
}

/** The step path split into its list and index; null when `path` does not end in `[n]`. */
export function splitStepPath(path: StepPath): { list: ListPath; index: number } | null {
  const m = /^(.*)\[(\d+)\]$/.exec(path);
  return m ? { list: m[1]!, index: Number(m[2]) } : null;
}

export function stepPathOf(list: ListPath, index: number): StepPath {
  return `${list}[${index}]`;
}

export function branchListPath(step: StepPath, branch: number | 'otherwise'): ListPath {
  return branch === 'otherwise' ? `${step}.branch.otherwise` : `${step}.branch.branches[${branch}].steps`;
}

export function getIn(value: unknown, tokens: readonly PathToken[]): unknown {
  let at: unknown = value;
  for (const token of tokens) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[token];
  }
  return at;
}

/** A copy of `value` with `next` at `tokens`, copying only the objects along the way. */
export function setIn(value: unknown, tokens: readonly PathToken[], next: unknown): unknown {
  if (tokens.length === 0) return next;
  const [head, ...rest] = tokens as [PathToken, ...PathToken[]];
  if (typeof head === 'number') {
    const list = Array.isArray(value) ? [...(value as unknown[])] : [];
    list[head] = setIn(list[head], rest, next);
    return list;
  }
  const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  const child = setIn(object[head], rest, next);
  if (child === undefined) delete object[head];
  else object[head] = child;
  return object;
}

/** The kind key a step carries (`email`, `wait`, …), or null for a step that has none or several. */
export function stepKindOf(step: unknown): StepKind | null {
  if (step === null || typeof step !== 'object') return null;
  const kinds = STEP_KINDS.filter((kind) => kind in (step as object));
  return kinds.length === 1 ? kinds[0]! : null;
}

/** Calls `visit` for every step, nested ones included, with its path; tolerant of malformed documents. */
export function walkSteps(steps: unknown, list: ListPath, visit: (step: StepDefinition, path: StepPath) => void): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step: unknown, i) => {
    const path = stepPathOf(list, i);
    if (step === null || typeof step !== 'object') return;
    visit(step as StepDefinition, path);
    const branch = (step as { branch?: { branches?: unknown; otherwise?: unknown } }).branch;
    if (!branch || typeof branch !== 'object') return;
    if (Array.isArray(branch.branches)) {
      branch.branches.forEach((b: unknown, j) => walkSteps((b as { steps?: unknown } | null)?.steps, branchListPath(path, j), visit));
    }
    walkSteps(branch.otherwise, branchListPath(path, 'otherwise'), visit);
  });
}

const STEP_PATH_PREFIX = /^(steps\[\d+\](?:\.branch\.(?:branches\[\d+\]\.steps|otherwise)\[\d+\])*)(?:\.(.*))?$/;

/**
 * Where a server issue belongs: the step it is inside (its deepest step path) and the field
 * relative to that step (`email.subject`), `trigger` and its field, or the flow itself.
 */
export function locateIssuePath(path: string): { target: StepPath | 'trigger' | 'flow'; field: string } {
  const step = STEP_PATH_PREFIX.exec(path);
  if (step) return { target: step[1]!, field: step[2] ?? '' };
  if (path === 'trigger' || path.startsWith('trigger.')) return { target: 'trigger', field: path.slice('trigger.'.length) };
  return { target: 'flow', field: path };
}
