import { serve, type ServerType } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './app-types.js';

export interface RunningServer {
  port: number;
  /**
   * Stops accepting connections, ends open event streams (`closingSignal`), lets requests in
   * progress finish for up to `graceMs` (default 0), then cuts what is left. Idle keep-alive
   * connections are closed at once.
   */
  close(graceMs?: number): Promise<void>;
}

const IDLE_SWEEP_MS = 50;

/** What `listen` adds to each request's `c.env`. */
interface ServerBindings {
  /** Aborted when the server starts closing: long-lived responses (event streams) end on it. */
  closing: AbortSignal;
}

/**
 * The signal a long-lived response ends on when the server closes, so it does not hold shutdown
 * for the whole grace period. Undefined for requests not served by `listen` (`app.request` in tests).
 */
export function closingSignal(c: Context): AbortSignal | undefined {
  const env = c.env as Partial<ServerBindings> | undefined;
  return env?.closing instanceof AbortSignal ? env.closing : undefined;
}

/** Listens on host:port (port 0 picks a free one) and resolves once listening. */
export function listen(app: Hono<AppEnv>, host: string, port: number): Promise<RunningServer> {
  const closing = new AbortController();
  const fetch = (request: Request, env: object) => app.fetch(request, { ...env, closing: closing.signal });
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch, hostname: host, port }, (info) => {
        resolve({
          port: info.port,
          close: (graceMs = 0) =>
            new Promise<void>((done) => {
              const http = server as unknown as { closeIdleConnections(): void; closeAllConnections(): void };
              // A connection whose request finishes goes idle and is closed by the next sweep.
              const sweep = setInterval(() => http.closeIdleConnections(), IDLE_SWEEP_MS);
              const cut = setTimeout(() => http.closeAllConnections(), graceMs);
              server.close(() => {
                clearInterval(sweep);
                clearTimeout(cut);
                done();
              });
              closing.abort();
              http.closeIdleConnections();
            }),
        });
      });
      server.on('error', reject);
    } catch (error) {
      reject(error);
    }
  });
}
