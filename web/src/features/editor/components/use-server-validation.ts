/** Checks the document with the server (`POST /v1/flows/validate`) a moment after each change; the issues pin to nodes and fields. */
import { useEffect, useState } from 'react';
import { flowApi, type FieldIssue } from '../api/flow-api';
import type { EditorStore } from '../store/editor-store';
import { useStore } from 'zustand';

/** Wait after the last edit before asking the server, so a typing burst is one request. */
export const VALIDATE_DELAY_MS = 500;

export function useServerValidation(store: EditorStore): { issues: FieldIssue[]; checking: boolean } {
  const document = useStore(store, (s) => s.document);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      setChecking(true);
      flowApi
        .validate(document)
        .then((result) => {
          if (current) setIssues(result.errors);
        })
        .catch(() => {
          // A failed check leaves the last issues in place; saving reports problems again.
        })
        .finally(() => {
          if (current) setChecking(false);
        });
    }, VALIDATE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [document]);
  return { issues, checking };
}
