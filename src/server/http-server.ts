import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from './app-types.js';

export interface RunningServer {
  port: number;
  /**
   * Stops accepting connections, lets requests in progress finish for up to `graceMs` (default 0),
   * then cuts what is left. Idle keep-alive connections are closed at once.
   */
  close(graceMs?: number): Promise<void>;
}

const IDLE_SWEEP_MS = 50;

/** Listens on host:port (port 0 picks a free one) and resolves once listening. */
export function listen(app: Hono<AppEnv>, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
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
