/**
 * A keep-alive connection whose next request arrives while the server's event loop is busy (a
 * long SQLite transaction runs synchronously) must get its answer, not a reset. The request is
 * sent within the idle time the server announces (`Keep-Alive: timeout=…`), as keep-alive clients
 * do, and the loop is then held past that time, so the idle timer is due before the waiting bytes
 * are read: Node's own idle close would destroy the socket with the request unread (the first
 * test fails with ECONNRESET without `closeIfStillIdle` in http-server.ts). Nothing is timed: the
 * loop is held until the idle timer is certainly due.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/server/app-types.js';
import { listen, type RunningServer } from '../../src/server/http-server.js';

const IDLE_MS = 200;
/** Node closes an idle keep-alive connection this long after `keepAliveTimeout` (HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER). */
const NODE_IDLE_BUFFER_MS = 1_000;

/** Holds the event loop, as a synchronous database call does. */
function holdLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs in this process meanwhile
  }
}

/** The next whole HTTP response on `socket` (status line and body), or what ended the connection instead. */
function nextResponse(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = (result: string) => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? Number.NaN);
      if (end >= 0 && text.length >= end + 4 + length) done(`${text.split('\r\n')[0]} ${text.slice(end + 4)}`);
    };
    const onError = (error: NodeJS.ErrnoException) => done(`error ${error.code ?? error.message}`);
    const onClose = () => done('closed');
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}

describe('keep-alive while the event loop is held', () => {
  let server: RunningServer | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    socket?.destroy();
    await server?.close();
  });

  const request = 'GET /ping HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n';

  /** A listening server answering `/ping`, and a connection to it that has had one answer and is now idle. */
  async function idleConnection(): Promise<Socket> {
    const app = new Hono<AppEnv>();
    app.get('/ping', (c) => c.text('pong'));
    server = await listen(app, '127.0.0.1', 0, { keepAliveTimeoutMs: IDLE_MS });
    socket = connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    const first = nextResponse(socket);
    socket.write(request);
    expect(await first).toBe('HTTP/1.1 200 OK pong');
    return socket;
  }

  it('answers a request that arrived within the idle time, even when the idle timer is overdue by the time it is read', async () => {
    const socket = await idleConnection();
    // The next request reaches the server's socket at once; the loop is then held past the idle time.
    const second = nextResponse(socket);
    socket.write(request);
    holdLoop(IDLE_MS + NODE_IDLE_BUFFER_MS + 500);
    expect(await second).toBe('HTTP/1.1 200 OK pong');
  });

  it('still closes a connection that stays idle', async () => {
    await once(await idleConnection(), 'close');
  });
});
