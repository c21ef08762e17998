/**
 * Keyboard shortcuts of the editor: undo (Ctrl/Cmd+Z), redo (Shift+Ctrl/Cmd+Z, Ctrl+Y), save
 * (Ctrl/Cmd+S) and Delete for the selected step. Ignored while typing in a field or in the code
 * editor, where the keys belong to the text.
 */
import { useEffect } from 'react';
import type { EditorStore } from '../store/editor-store';

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('.cm-editor')) return true;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}

export function useEditorShortcuts(store: EditorStore, options: { onSave(): void; readOnly: boolean }): void {
  const { onSave, readOnly } = options;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 's') {
        event.preventDefault();
        if (!readOnly) onSave();
        return;
      }
      if (readOnly || isTypingTarget(event.target)) return;
      const state = store.getState();
      if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) state.redo();
        else state.undo();
      } else if (mod && key === 'y') {
        event.preventDefault();
        state.redo();
      } else if ((event.key === 'Delete' || event.key === 'Backspace') && !mod) {
        const selection = state.selection;
        if (selection && selection !== 'flow' && selection !== 'trigger') {
          event.preventDefault();
          state.dispatch({ type: 'deleteStep', path: selection });
        }
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store, onSave, readOnly]);
}
