/**
 * Query keys of the editor's server state. Kept in one place so mutations invalidate through the
 * same factories; the app's shared key module can absorb these when it exists.
 */
export const editorKeys = {
  all: ['flows'] as const,
  flow: (flowId: string) => ['flows', 'detail', flowId] as const,
  versions: (flowId: string) => ['flows', 'detail', flowId, 'versions'] as const,
  stepCounts: (flowId: string, from: string, to: string) => ['flows', 'detail', flowId, 'step-counts', from, to] as const,
  preview: (flowId: string, version: number, stepId: string, eventId: string) => ['flows', 'detail', flowId, 'preview', version, stepId, eventId] as const,
  flowSchema: ['schemas', 'flow'] as const,
  channels: ['channels'] as const,
  secrets: ['secrets'] as const,
};
