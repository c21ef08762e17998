/**
 * Every change to an open flow is one of these typed operations, applied by `applyOperation`, a
 * pure function that also returns the operation undoing it. The canvas, the forms and the YAML
 * view only dispatch operations; the undo history stores the inverses.
 */
import type { BranchStep, FlowDefinition, StepDefinition, TriggerDefinition } from '../../../../../src/core/flow-definition';
import { getIn, setIn, splitStepPath, stepPathOf, tokenize, walkSteps, type ListPath, type StepPath } from './step-paths';

/** A flow as the editor holds it: whatever the author wrote, possibly not yet valid. */
export type FlowDocument = FlowDefinition;
export type Branch = BranchStep['branches'][number];
type FlowFields = Pick<FlowDefinition, 'name' | 'description' | 'session' | 'settings'>;

export type FlowOperation =
  | { type: 'addStep'; list: ListPath; index: number; step: StepDefinition }
  /** `prune` also removes the list when it ends up empty (the inverse of adding to a list that was absent). */
  | { type: 'deleteStep'; path: StepPath; prune?: boolean }
  | { type: 'duplicateStep'; path: StepPath }
  /** `toList` and `toIndex` address the document after the step has been taken out of `from`. */
  | { type: 'moveStep'; from: StepPath; toList: ListPath; toIndex: number }
  | { type: 'updateStep'; path: StepPath; step: StepDefinition }
  | { type: 'addBranch'; path: StepPath; index: number; branch: Branch }
  | { type: 'deleteBranch'; path: StepPath; index: number }
  | { type: 'moveBranch'; path: StepPath; from: number; to: number }
  | { type: 'setTrigger'; trigger: TriggerDefinition }
  | { type: 'setFlowFields'; fields: Partial<FlowFields> }
  | { type: 'replaceDocument'; document: FlowDocument };

export interface AppliedOperation {
  document: FlowDocument;
  inverse: FlowOperation;
  /** The step the operation created or moved, for the editor to select. */
  touched?: StepPath;
}

export class OperationError extends Error {}

function listAt(doc: FlowDocument, list: ListPath): StepDefinition[] {
  const value = getIn(doc, tokenize(list));
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new OperationError(`${list} is not a list of steps`);
  return value as StepDefinition[];
}

function withList(doc: FlowDocument, list: ListPath, steps: StepDefinition[]): FlowDocument {
  return setIn(doc, tokenize(list), steps) as FlowDocument;
}

function stepAt(doc: FlowDocument, path: StepPath): { list: ListPath; index: number; steps: StepDefinition[]; step: StepDefinition } {
  const at = splitStepPath(path);
  if (!at) throw new OperationError(`${path} is not a step path`);
  const steps = listAt(doc, at.list);
  const step = steps[at.index];
  if (step === undefined) throw new OperationError(`no step at ${path}`);
  return { ...at, steps, step };
}

function branchesAt(doc: FlowDocument, path: StepPath): Branch[] {
  const { step } = stepAt(doc, path);
  const branch = (step as { branch?: BranchStep }).branch;
  if (!branch || !Array.isArray(branch.branches)) throw new OperationError(`${path} is not a branch step`);
  return branch.branches;
}

function withBranches(doc: FlowDocument, path: StepPath, branches: Branch[]): FlowDocument {
  return setIn(doc, [...tokenize(path), 'branch', 'branches'], branches) as FlowDocument;
}

function insert<T>(list: readonly T[], index: number, item: T): T[] {
  const next = [...list];
  next.splice(Math.max(0, Math.min(index, list.length)), 0, item);
  return next;
}

function remove<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

/** Every explicit step id in the document. */
export function explicitStepIds(doc: FlowDocument): Set<string> {
  const ids = new Set<string>();
  walkSteps(doc.steps, 'steps', (step) => {
    if (typeof step.id === 'string') ids.add(step.id);
  });
  return ids;
}

/**
 * An id not yet used: `base_1`, `base_2`, … Never of the generated shape (`s1`, `s3.b1.s2`), so a
 * new step cannot collide with a step whose id comes from its position.
 */
export function freshStepId(base: string, taken: Set<string>): string {
  const stem = base.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^s(\d)/, 'step_$1') || 'step';
  for (let n = 1; ; n++) {
    const id = `${stem}_${n}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** A deep copy of `step` whose explicit ids, its own and its nested steps', are replaced by fresh ones. */
export function copyWithFreshIds(step: StepDefinition, taken: Set<string>): StepDefinition {
  const copy = structuredClone(step);
  const rename = (s: StepDefinition) => {
    if (typeof s.id === 'string') s.id = freshStepId(s.id.replace(/_\d+$/, ''), taken);
  };
  // The copy sits at steps[0] of this one-item list, so every other path visited is nested in it.
  walkSteps([copy], 'steps', (nested, path) => {
    if (path !== 'steps[0]') rename(nested);
  });
  rename(copy);
  return copy;
}

/** Applies `op` to `doc`; throws OperationError when the operation does not fit the document. */
export function applyOperation(doc: FlowDocument, op: FlowOperation): AppliedOperation {
  switch (op.type) {
    case 'addStep': {
      const steps = listAt(doc, op.list);
      const index = Math.max(0, Math.min(op.index, steps.length));
      const path = stepPathOf(op.list, index);
      const absent = getIn(doc, tokenize(op.list)) === undefined;
      const inverse: FlowOperation = absent ? { type: 'deleteStep', path, prune: true } : { type: 'deleteStep', path };
      return { document: withList(doc, op.list, insert(steps, index, op.step)), inverse, touched: path };
    }
    case 'deleteStep': {
      const { list, index, steps, step } = stepAt(doc, op.path);
      const rest = remove(steps, index);
      const document = op.prune && rest.length === 0 ? (setIn(doc, tokenize(list), undefined) as FlowDocument) : withList(doc, list, rest);
      return { document, inverse: { type: 'addStep', list, index, step } };
    }
    case 'duplicateStep': {
      const { list, index, steps, step } = stepAt(doc, op.path);
      const copy = copyWithFreshIds(step, explicitStepIds(doc));
      const path = stepPathOf(list, index + 1);
      return { document: withList(doc, list, insert(steps, index + 1, copy)), inverse: { type: 'deleteStep', path }, touched: path };
    }
    case 'moveStep': {
      const { list, index, steps, step } = stepAt(doc, op.from);
      if (op.toList === op.from || op.toList.startsWith(`${op.from}.`)) throw new OperationError('a step cannot move into itself');
      const without = withList(doc, list, remove(steps, index));
      const target = listAt(without, op.toList);
      const toIndex = Math.max(0, Math.min(op.toIndex, target.length));
      const path = stepPathOf(op.toList, toIndex);
      return {
        document: withList(without, op.toList, insert(target, toIndex, step)),
        inverse: { type: 'moveStep', from: path, toList: list, toIndex: index },
        touched: path,
      };
    }
    case 'updateStep': {
      const { list, index, steps, step } = stepAt(doc, op.path);
      const next = [...steps];
      next[index] = op.step;
      return { document: withList(doc, list, next), inverse: { type: 'updateStep', path: op.path, step }, touched: op.path };
    }
    case 'addBranch': {
      const branches = branchesAt(doc, op.path);
      const index = Math.max(0, Math.min(op.index, branches.length));
      return { document: withBranches(doc, op.path, insert(branches, index, op.branch)), inverse: { type: 'deleteBranch', path: op.path, index } };
    }
    case 'deleteBranch': {
      const branches = branchesAt(doc, op.path);
      const branch = branches[op.index];
      if (!branch) throw new OperationError(`no branch ${op.index} at ${op.path}`);
      if (branches.length === 1) throw new OperationError('a branch step keeps at least one branch');
      return { document: withBranches(doc, op.path, remove(branches, op.index)), inverse: { type: 'addBranch', path: op.path, index: op.index, branch } };
    }
    case 'moveBranch': {
      const branches = branchesAt(doc, op.path);
      const branch = branches[op.from];
      if (!branch || op.to < 0 || op.to >= branches.length) throw new OperationError(`cannot move branch ${op.from} to ${op.to}`);
      return {
        document: withBranches(doc, op.path, insert(remove(branches, op.from), op.to, branch)),
        inverse: { type: 'moveBranch', path: op.path, from: op.to, to: op.from },
      };
    }
    case 'setTrigger':
      return { document: { ...doc, trigger: op.trigger }, inverse: { type: 'setTrigger', trigger: doc.trigger } };
    case 'setFlowFields': {
      const previous: Partial<FlowFields> = {};
      let next: FlowDocument = doc;
      for (const key of Object.keys(op.fields) as Array<keyof FlowFields>) {
        (previous as Record<string, unknown>)[key] = doc[key];
        next = setIn(next, [key], op.fields[key]) as FlowDocument;
      }
      return { document: next, inverse: { type: 'setFlowFields', fields: previous } };
    }
    case 'replaceDocument':
      return { document: op.document, inverse: { type: 'replaceDocument', document: doc } };
  }
}
