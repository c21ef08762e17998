/** Rendering helpers for the editor's component tests: i18n in English, a query client, an editor environment. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { initI18n } from '../../../i18n/index';
import type { ChannelDescription, FieldIssue } from '../api/flow-api';
import type { EditorStore } from '../store/editor-store';
import { EditorContext } from './editor-context';
import { pinIssues } from './server-issues';

initI18n('en');

export function withProviders(children: ReactNode, client = new QueryClient({ defaultOptions: { queries: { retry: false } } })) {
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

export function withEditor(
  children: ReactNode,
  store: EditorStore,
  options: { issues?: FieldIssue[]; channels?: ChannelDescription[]; secrets?: string[] } = {},
) {
  return withProviders(
    <EditorContext.Provider value={{ store, schemas: null, channels: options.channels ?? [], secrets: options.secrets ?? [], issues: pinIssues(options.issues ?? []), readOnly: false }}>
      {children}
    </EditorContext.Provider>,
  );
}
