/**
 * `GET /v1/stream`: server-sent events telling the web app what changed in its workspace, so it
 * refreshes what it shows. `event: change` with `data: {"kinds":[…]}` (sessions, deliveries,
 * flows, appointments, contacts: change-feed.ts CHANGE_KINDS) when the change feed sees a change; a `: ping` comment every HEARTBEAT_MS so proxies keep
 * the connection open. The stream ends when the client goes away or the server closes.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ChangeFeed } from '../change-feed.js';
import type { AppEnv } from '../app-types.js';
import { closingSignal } from '../http-server.js';

/** Default time between heartbeats. */
export const HEARTBEAT_MS = 15_000;

export function streamRoutes(feed: ChangeFeed, options: { heartbeatMs?: number } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  app.get('/', (c) => {
    const workspaceId = c.get('workspace').id;
    const closing = closingSignal(c);
    return streamSSE(c, async (stream) => {
      // Writes are not awaited by the feed: a slow reader holds up only its own stream.
      const send = (text: string) => void stream.write(text);
      send(': connected\n\n');
      await new Promise<void>((resolve) => {
        const unsubscribe = feed.subscribe(workspaceId, (kinds) => send(`event: change\ndata: ${JSON.stringify({ kinds })}\n\n`));
        const ping = setInterval(() => send(': ping\n\n'), heartbeatMs);
        const end = () => {
          clearInterval(ping);
          unsubscribe();
          closing?.removeEventListener('abort', end);
          resolve();
        };
        stream.onAbort(end);
        if (closing?.aborted) end();
        else closing?.addEventListener('abort', end, { once: true });
      });
    });
  });
  return app;
}
