/**
 * Query keys of the editor's server state. Kept in one place so mutations invalidate through the
 * same factories; the app's shared key module can absorb these when it exists.
 */
import { queryKeys } from '../../../api/query-keys';

export const editorKeys = {
  all: ['flows'] as const,
  flow: (flowId: string) => ['flows', 'detail', flowId] as const,
  versions: (flowId: string) => ['flows', 'detail', flowId, 'versions'] as const,
  /** Under the app's step-counts prefix, which the change stream refreshes when sessions or deliveries change. */
  stepCounts: (flowId: string, periodMs: number) => [...queryKeys.stepCounts.all(), flowId, periodMs] as const,
  preview: (flowId: string, version: number, stepId: string, eventId: string) => ['flows', 'detail', flowId, 'preview', version, stepId, eventId] as const,
  flowSchema: ['schemas', 'flow'] as const,
  channels: ['channels'] as const,
  secrets: ['secrets'] as const,
};
