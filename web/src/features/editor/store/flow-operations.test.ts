import { describe, expect, it } from 'vitest';
import { applyOperation, OperationError, type FlowDocument, type FlowOperation } from './flow-operations';
import { sampleFlow } from './test-flows';

/** Applies `op`, then its inverse, and checks the round trip restores the document exactly. */
function roundTrip(doc: FlowDocument, op: FlowOperation): FlowDocument {
  const applied = applyOperation(doc, op);
  const undone = applyOperation(applied.document, applied.inverse);
  expect(undone.document).toEqual(doc);
  return applied.document;
}

const ids = (doc: FlowDocument) => doc.steps.map((s) => s.id);

describe('applyOperation', () => {
  it('addStep inserts at the index, selects the new step, and is undone by deleteStep', () => {
    const doc = sampleFlow();
    const applied = applyOperation(doc, { type: 'addStep', list: 'steps', index: 1, step: { id: 'w', wait: { duration: '2h' } } });
    expect(ids(applied.document)).toEqual(['remind', 'w', 'lang', 'bye']);
    expect(applied.touched).toBe('steps[1]');
    expect(applied.inverse).toEqual({ type: 'deleteStep', path: 'steps[1]' });
    roundTrip(doc, { type: 'addStep', list: 'steps', index: 1, step: { wait: { duration: '2h' } } });
  });

  it('addStep into an empty branch list creates the list', () => {
    const doc: FlowDocument = { ...sampleFlow(), steps: [{ id: 'b', branch: { branches: [{ when: [], steps: [] }] } }] };
    const next = roundTrip(doc, { type: 'addStep', list: 'steps[0].branch.otherwise', index: 0, step: { exit: {} } });
    expect((next.steps[0] as { branch: { otherwise: unknown[] } }).branch.otherwise).toEqual([{ exit: {} }]);
  });

  it('deleteStep removes nested steps and leaves the rest untouched (structural sharing)', () => {
    const doc = sampleFlow();
    const next = roundTrip(doc, { type: 'deleteStep', path: 'steps[1].branch.branches[0].steps[0]' });
    expect((next.steps[1] as { branch: { branches: Array<{ steps: unknown[] }> } }).branch.branches[0]!.steps).toEqual([]);
    expect(next.steps[0]).toBe(doc.steps[0]);
  });

  it('duplicateStep copies below with fresh ids, nested ones included', () => {
    const doc = sampleFlow();
    const next = roundTrip(doc, { type: 'duplicateStep', path: 'steps[1]' });
    expect(ids(next)).toEqual(['remind', 'lang', 'lang_1', 'bye']);
    const copy = next.steps[2] as { branch: { branches: Array<{ steps: Array<{ id: string }> }>; otherwise: Array<{ id: string }> } };
    expect(copy.branch.branches[0]!.steps[0]!.id).toBe('fr_wait_1');
    expect(copy.branch.otherwise[0]!.id).toBe('hook_1');
  });

  it('moveStep reorders within a list and between lists, and moves back on undo', () => {
    const doc = sampleFlow();
    expect(ids(roundTrip(doc, { type: 'moveStep', from: 'steps[0]', toList: 'steps', toIndex: 1 }))).toEqual(['lang', 'remind', 'bye']);
    const into = roundTrip(doc, { type: 'moveStep', from: 'steps[2]', toList: 'steps[1].branch.otherwise', toIndex: 0 });
    expect(ids(into)).toEqual(['remind', 'lang']);
    const out = roundTrip(doc, { type: 'moveStep', from: 'steps[1].branch.otherwise[0]', toList: 'steps', toIndex: 0 });
    expect(ids(out)).toEqual(['hook', 'remind', 'lang', 'bye']);
  });

  it('moveStep refuses to move a branch into itself', () => {
    expect(() => applyOperation(sampleFlow(), { type: 'moveStep', from: 'steps[1]', toList: 'steps[1].branch.otherwise', toIndex: 0 })).toThrow(OperationError);
  });

  it('updateStep replaces one step and restores it on undo', () => {
    const doc = sampleFlow();
    const next = roundTrip(doc, { type: 'updateStep', path: 'steps[2]', step: { id: 'bye', exit: { reason: 'later' } } });
    expect(next.steps[2]).toEqual({ id: 'bye', exit: { reason: 'later' } });
  });

  it('addBranch, deleteBranch and moveBranch edit the branch list; the last branch cannot go', () => {
    const doc = sampleFlow();
    const added = roundTrip(doc, { type: 'addBranch', path: 'steps[1]', index: 1, branch: { name: 'German', when: [], steps: [] } });
    const names = (d: FlowDocument) => (d.steps[1] as { branch: { branches: Array<{ name?: string }> } }).branch.branches.map((b) => b.name);
    expect(names(added)).toEqual(['French', 'German']);
    expect(names(roundTrip(added, { type: 'moveBranch', path: 'steps[1]', from: 1, to: 0 }))).toEqual(['German', 'French']);
    expect(names(roundTrip(added, { type: 'deleteBranch', path: 'steps[1]', index: 0 }))).toEqual(['German']);
    expect(() => applyOperation(doc, { type: 'deleteBranch', path: 'steps[1]', index: 0 })).toThrow(OperationError);
    expect(() => applyOperation(doc, { type: 'addBranch', path: 'steps[0]', index: 0, branch: { when: [], steps: [] } })).toThrow(OperationError);
  });

  it('setTrigger, setFlowFields and replaceDocument swap values and back', () => {
    const doc = sampleFlow();
    expect(roundTrip(doc, { type: 'setTrigger', trigger: { event: 'appointment.created' } }).trigger).toEqual({ event: 'appointment.created' });
    const named = roundTrip(doc, { type: 'setFlowFields', fields: { name: 'Other', description: 'new' } });
    expect([named.name, named.description]).toEqual(['Other', 'new']);
    expect('description' in applyOperation(named, { type: 'setFlowFields', fields: { description: undefined } }).document).toBe(false);
    roundTrip(doc, { type: 'replaceDocument', document: { name: 'x', trigger: { event: '*' }, steps: [] } });
  });

  it('refuses a path that holds no step', () => {
    expect(() => applyOperation(sampleFlow(), { type: 'deleteStep', path: 'steps[9]' })).toThrow(OperationError);
    expect(() => applyOperation(sampleFlow(), { type: 'updateStep', path: 'trigger', step: { exit: {} } })).toThrow(OperationError);
  });
});
