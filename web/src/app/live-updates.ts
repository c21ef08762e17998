/**
 * Keeps lists fresh: `GET /v1/stream` sends `change` events naming the kinds of records that
 * changed; the matching queries are invalidated. The browser reconnects after network errors by
 * itself; a server without the stream (404) closes it for good, and the app simply polls on focus.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { keysForChange } from '../api/query-keys';

export function useLiveUpdates(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/v1/stream', { withCredentials: true });
    source.addEventListener('change', (event) => {
      let kinds: string[] = [];
      try {
        kinds = (JSON.parse((event as MessageEvent<string>).data) as { kinds?: string[] }).kinds ?? [];
      } catch {
        return;
      }
      for (const kind of kinds) for (const key of keysForChange[kind] ?? []) void queryClient.invalidateQueries({ queryKey: key });
    });
    return () => source.close();
  }, [queryClient]);
}
