/** The open flow's store and the data every panel of the editor reads, handed down once. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ChannelDescription, FieldIssue, FlowSchemas } from '../api/flow-api';
import type { EditorState, EditorStore } from '../store/editor-store';

export interface EditorEnvironment {
  store: EditorStore;
  /** The server's flow schemas, or null while it offers none (the built-in descriptions are used). */
  schemas: FlowSchemas | null;
  channels: ChannelDescription[];
  secrets: string[];
  /** Server issues (from validation or a refused save), by target: a step path, `trigger` or `flow`. */
  issues: Map<string, Array<FieldIssue & { field: string }>>;
  /** Nothing may be changed (an archived flow, or a role that may not edit flows): no add, move or delete controls. */
  readOnly: boolean;
}

export const EditorContext = createContext<EditorEnvironment | null>(null);

export function useEditorEnvironment(): EditorEnvironment {
  const environment = useContext(EditorContext);
  if (!environment) throw new Error('useEditorEnvironment outside the flow editor');
  return environment;
}

export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorEnvironment().store, selector);
}
