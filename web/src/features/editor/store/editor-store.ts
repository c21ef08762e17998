/**
 * One store per open flow: the document, the saved baseline, the undo history, the selection and
 * the YAML text. The document changes only through `dispatch(operation)`; history records the
 * inverse of each of the user's operations. Loads and server echoes (`load`, `markSaved`) and the
 * selection are never recorded.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { applyOperation, OperationError, type FlowDocument, type FlowOperation } from './flow-operations';
import { parseFlowYaml, toYaml, type YamlProblem } from './flow-yaml';
import { getIn, tokenize, type StepPath } from './step-paths';

/** What the side panel shows: the flow's own fields, the trigger, or one step. */
export type Selection = 'flow' | 'trigger' | StepPath;

interface HistoryEntry {
  forward: FlowOperation[];
  /** Inverses in the order the operations were applied; undo applies them last to first. */
  inverse: FlowOperation[];
  burst: string | undefined;
  at: number;
}

/** Edits with the same burst key closer together than this are one undo entry (a typing burst, a drag). */
export const BURST_WINDOW_MS = 1000;

export interface EditorState {
  document: FlowDocument;
  /** The document as last saved (or loaded); the editor is dirty when they differ. */
  baseline: FlowDocument;
  past: HistoryEntry[];
  future: HistoryEntry[];
  selection: Selection | null;
  yamlText: string;
  yamlProblem: YamlProblem | null;
  /** Why the last operation was refused (an operation that did not fit the document). */
  refused: string | null;

  /** Applies a user's operation and records its inverse. Edits sharing `burst` within BURST_WINDOW_MS merge into one entry. */
  dispatch(op: FlowOperation, options?: { burst?: string }): void;
  undo(): void;
  redo(): void;
  select(selection: Selection | null): void;
  /** The YAML view's text changed: a valid document replaces the current one; an invalid one is kept as text only. */
  editYaml(text: string): void;
  /** A document from the server, replacing everything (history included). */
  load(document: FlowDocument): void;
  /** The server saved `document`: it becomes the baseline; history stays. */
  markSaved(document: FlowDocument): void;
}

export type EditorStore = StoreApi<EditorState>;

export function isDirty(state: Pick<EditorState, 'document' | 'baseline'>): boolean {
  return state.document !== state.baseline && JSON.stringify(state.document) !== JSON.stringify(state.baseline);
}

function selectionStillExists(doc: FlowDocument, selection: Selection | null): Selection | null {
  if (selection === null || selection === 'flow' || selection === 'trigger') return selection;
  return getIn(doc, tokenize(selection)) === undefined ? null : selection;
}

export function createEditorStore(initial: FlowDocument, options: { now?: () => number } = {}): EditorStore {
  const now = options.now ?? (() => Date.now());

  return createStore<EditorState>()((set, get) => {
    /** Applies operations in order; null when one does not fit (the document is left as it was). */
    const run = (doc: FlowDocument, ops: FlowOperation[]): { doc: FlowDocument; inverses: FlowOperation[]; touched?: StepPath } | null => {
      let current = doc;
      const inverses: FlowOperation[] = [];
      let touched: StepPath | undefined;
      try {
        for (const op of ops) {
          const applied = applyOperation(current, op);
          current = applied.document;
          inverses.push(applied.inverse);
          touched = applied.touched ?? touched;
        }
      } catch (error) {
        if (error instanceof OperationError) {
          set({ refused: error.message });
          return null;
        }
        throw error;
      }
      return { doc: current, inverses, ...(touched ? { touched } : {}) };
    };

    const record = (op: FlowOperation, burst: string | undefined, fromYaml: boolean) => {
      const state = get();
      const result = run(state.document, [op]);
      if (!result) return;
      const at = now();
      const last = state.past[state.past.length - 1];
      const merge = burst !== undefined && last?.burst === burst && at - last.at < BURST_WINDOW_MS && state.future.length === 0;
      const past = merge
        ? [...state.past.slice(0, -1), { forward: [...last.forward, op], inverse: [...last.inverse, ...result.inverses], burst, at }]
        : [...state.past, { forward: [op], inverse: result.inverses, burst, at }];
      set({
        document: result.doc,
        past,
        future: [],
        refused: null,
        selection: op.type === 'updateStep' ? state.selection : (result.touched ?? selectionStillExists(result.doc, state.selection)),
        ...(fromYaml ? { yamlProblem: null } : { yamlText: toYaml(result.doc), yamlProblem: null }),
      });
    };

    return {
      document: initial,
      baseline: initial,
      past: [],
      future: [],
      selection: null,
      yamlText: toYaml(initial),
      yamlProblem: null,
      refused: null,

      dispatch: (op, opts) => record(op, opts?.burst, false),

      undo: () => {
        const { past, future, document, selection } = get();
        const entry = past[past.length - 1];
        if (!entry) return;
        const result = run(document, [...entry.inverse].reverse());
        if (!result) return;
        set({
          document: result.doc,
          past: past.slice(0, -1),
          future: [...future, entry],
          selection: selectionStillExists(result.doc, selection),
          yamlText: toYaml(result.doc),
          yamlProblem: null,
        });
      },

      redo: () => {
        const { past, future, document, selection } = get();
        const entry = future[future.length - 1];
        if (!entry) return;
        const result = run(document, entry.forward);
        if (!result) return;
        set({
          document: result.doc,
          past: [...past, { ...entry, burst: undefined }],
          future: future.slice(0, -1),
          selection: selectionStillExists(result.doc, selection),
          yamlText: toYaml(result.doc),
          yamlProblem: null,
        });
      },

      select: (selection) => set({ selection }),

      editYaml: (text) => {
        const parsed = parseFlowYaml(text);
        if (!parsed.ok) {
          set({ yamlText: text, yamlProblem: parsed.problem });
          return;
        }
        set({ yamlText: text });
        record({ type: 'replaceDocument', document: parsed.document }, 'yaml', true);
      },

      load: (document) =>
        set({ document, baseline: document, past: [], future: [], selection: null, yamlText: toYaml(document), yamlProblem: null, refused: null }),

      markSaved: (document) => {
        const state = get();
        // The server's echo equals what was sent; keep the editor's own object so nothing re-renders.
        if (JSON.stringify(document) === JSON.stringify(state.document)) set({ baseline: state.document });
        else set({ baseline: document });
      },
    };
  });
}
