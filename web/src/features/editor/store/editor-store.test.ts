import { describe, expect, it } from 'vitest';
import type { EmailStep } from '../../../../../src/core/flow-definition';
import { BURST_WINDOW_MS, createEditorStore, isDirty } from './editor-store';
import { sampleFlow } from './test-flows';

function setup() {
  let clock = 1_000;
  const store = createEditorStore(sampleFlow(), { now: () => clock });
  return { store, tick: (ms: number) => (clock += ms) };
}

const subject = (store: ReturnType<typeof setup>['store']) =>
  (store.getState().document.steps[0] as { email: { subject: string } }).email.subject;

function typeSubject(store: ReturnType<typeof setup>['store'], text: string) {
  const step = store.getState().document.steps[0] as unknown as { id: string; email: EmailStep };
  store.getState().dispatch({ type: 'updateStep', path: 'steps[0]', step: { ...step, email: { ...step.email, subject: text } } }, { burst: 'steps[0]:email.subject' });
}

describe('editor store history', () => {
  it('undoes and redoes operations, and a new edit clears redo', () => {
    const { store } = setup();
    store.getState().dispatch({ type: 'deleteStep', path: 'steps[2]' });
    expect(store.getState().document.steps).toHaveLength(2);
    store.getState().undo();
    expect(store.getState().document).toEqual(sampleFlow());
    store.getState().redo();
    expect(store.getState().document.steps).toHaveLength(2);
    store.getState().undo();
    store.getState().dispatch({ type: 'duplicateStep', path: 'steps[0]' });
    expect(store.getState().future).toHaveLength(0);
  });

  it('records a typing burst as one entry, and a pause starts a new one', () => {
    const { store, tick } = setup();
    for (const text of ['T', 'To', 'Tod', 'Toda', 'Today']) {
      typeSubject(store, text);
      tick(200);
    }
    expect(store.getState().past).toHaveLength(1);
    tick(BURST_WINDOW_MS + 1);
    typeSubject(store, 'Today!');
    expect(store.getState().past).toHaveLength(2);
    store.getState().undo();
    expect(subject(store)).toBe('Today');
    store.getState().undo();
    expect(subject(store)).toBe('Tomorrow');
    store.getState().redo();
    expect(subject(store)).toBe('Today');
  });

  it('does not record the selection, and keeps it valid after undo', () => {
    const { store } = setup();
    store.getState().select('steps[2]');
    expect(store.getState().past).toHaveLength(0);
    store.getState().dispatch({ type: 'addStep', list: 'steps', index: 3, step: { wait: { duration: '1h' } } });
    expect(store.getState().selection).toBe('steps[3]');
    store.getState().undo();
    expect(store.getState().selection).toBeNull();
    store.getState().select('trigger');
    store.getState().redo();
    expect(store.getState().selection).toBe('trigger');
  });

  it('does not record loads or server echoes; markSaved clears dirtiness', () => {
    const { store } = setup();
    store.getState().dispatch({ type: 'setFlowFields', fields: { name: 'Renamed' } });
    expect(isDirty(store.getState())).toBe(true);
    store.getState().markSaved(structuredClone(store.getState().document));
    expect(isDirty(store.getState())).toBe(false);
    expect(store.getState().past).toHaveLength(1);
    store.getState().load(sampleFlow());
    expect(store.getState().past).toHaveLength(0);
  });

  it('reports an operation that does not fit without changing the document', () => {
    const { store } = setup();
    store.getState().dispatch({ type: 'deleteStep', path: 'steps[7]' });
    expect(store.getState().refused).toMatch(/no step/);
    expect(store.getState().past).toHaveLength(0);
  });
});

describe('canvas and YAML in sync', () => {
  it('an operation rewrites the YAML text', () => {
    const { store } = setup();
    store.getState().dispatch({ type: 'setFlowFields', fields: { name: 'From the canvas' } });
    expect(store.getState().yamlText).toContain('name: From the canvas');
  });

  it('valid YAML replaces the document (one undo entry per burst) and keeps the text as typed', () => {
    const { store } = setup();
    const text = store.getState().yamlText.replace('name: Reminder', 'name:   Typed');
    store.getState().editYaml(text);
    expect(store.getState().document.name).toBe('Typed');
    expect(store.getState().yamlText).toBe(text);
    store.getState().undo();
    expect(store.getState().document.name).toBe('Reminder');
    expect(store.getState().yamlText).toContain('name: Reminder');
  });

  it('invalid YAML is shown as a problem and the document keeps its last valid state', () => {
    const { store } = setup();
    store.getState().editYaml('name: [unclosed\n');
    expect(store.getState().yamlProblem).toMatchObject({ kind: 'syntax', line: expect.any(Number) });
    expect(store.getState().document).toEqual(sampleFlow());
    store.getState().editYaml('- a list');
    expect(store.getState().yamlProblem).toEqual({ kind: 'not_mapping' });
    store.getState().editYaml('name: ok\ntrigger: { event: "*" }\nsteps: []\n');
    expect(store.getState().yamlProblem).toBeNull();
    expect(store.getState().document.name).toBe('ok');
  });
});
