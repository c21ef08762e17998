import type { Socket } from 'node:net';
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

export interface ListenOptions {
  /** How long a keep-alive connection may stay idle before the server closes it; default 5000 ms (Node's). */
  keepAliveTimeoutMs?: number;
}

/**
 * Closes a keep-alive connection whose idle time is up, unless a request reached it meanwhile.
 *
 * Node runs due timers before it reads sockets. When the event loop was held past a connection's
 * idle time (Node closes at `keepAliveTimeout` + 1 s; a batch of 1,000 events is one synchronous
 * SQLite transaction of a second or more, and a few in a row can hold the loop for seconds), a
 * request the client sent within the announced `Keep-Alive: timeout=5` is still unread in the
 * socket when the idle timer fires, and Node's own close (`socket.destroy()`) would drop it: the
 * client would get ECONNRESET and the server log nothing (a few batches in 100 when seeding 100,000
 * bookings 4 at a time). Handling the server's `timeout` event replaces that close: it waits for the check phase,
 * after the loop has read what the socket holds, and closes only a connection that read nothing
 * since. A request that did arrive is answered and the connection goes idle again. (The server sets
 * no socket timeout but the keep-alive one, so every `timeout` here is an idle connection's.)
 */
function closeIfStillIdle(socket: Socket): void {
  const bytesRead = socket.bytesRead;
  setImmediate(() => {
    if (!socket.destroyed && socket.bytesRead === bytesRead) socket.destroy();
  });
}

/** Listens on host:port (port 0 picks a free one) and resolves once listening. */
export function listen(app: Hono<AppEnv>, host: string, port: number, options: ListenOptions = {}): Promise<RunningServer> {
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
      (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;
      server.on('timeout', closeIfStillIdle);
      server.on('error', reject);
    } catch (error) {
      reject(error);
    }
  });
}
