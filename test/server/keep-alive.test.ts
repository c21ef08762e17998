/**
 * A request answered without its body being read (413 for an oversized body, a 409 or 404 that
 * never needed the body) must leave the keep-alive connection usable: the client's next request
 * on the same socket gets its answer instead of a reset. Real listening server, real keep-alive
 * client (node:http Agent with one socket), second request sent on that socket.
 */
import { request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/http-server.js';
import { MAX_DISCARD_BYTES } from '../../src/server/request-size.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const LIMIT = 64 * 1024;

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
  connection: string | undefined;
}

describe('keep-alive after an unread body', () => {
  let h: Harness;
  let server: RunningServer;
  let agent: Agent;

  beforeEach(async () => {
    h = await createHarness('sqlite', { NUDGE_MAX_BODY_BYTES: String(LIMIT) });
    server = await listen(createApp(h.engine.ctx), '127.0.0.1', 0);
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(async () => {
    agent.destroy();
    await server.close();
    await h.close();
  });

  /** Sends one request through the shared agent; `chunked` leaves out content-length. */
  function send(
    method: string,
    path: string,
    body?: Buffer,
    options: { chunked?: boolean; auth?: boolean; pauseMidBodyMs?: number } = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.auth !== false) headers.authorization = `Bearer ${h.apiKey}`;
      if (body && !options.chunked) headers['content-length'] = String(body.length);
      const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, agent, headers }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            reusedSocket: req.reusedSocket,
            connection: res.headers.connection,
          }),
        );
        res.on('error', reject);
      });
      // A server that answers early may close before the whole body is written; that is its right.
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
      if (!body) req.end();
      else if (!options.pauseMidBodyMs) req.end(body);
      else {
        const half = Math.floor(body.length / 2);
        req.write(body.subarray(0, half));
        setTimeout(() => req.end(body.subarray(half)), options.pauseMidBodyMs);
      }
    });
  }

  /** A JSON body of about `bytes` bytes. */
  const bodyOf = (bytes: number) => Buffer.from(JSON.stringify({ name: 'signup', contact: { email: 'a@example.com' }, properties: { pad: 'x'.repeat(bytes) } }));

  /**
   * Either the server said `Connection: close` (the client opens a new connection) or the
   * connection it kept open still carries the next request. The drop used to come about 500 ms
   * after the answer, so the test waits past that before reusing the socket.
   */
  async function expectNextRequestWorks(first: Answer) {
    await new Promise((r) => setTimeout(r, 800));
    const next = await send('GET', '/v1/workspace');
    expect(next.status, next.body).toBe(200);
    if (first.connection !== 'close') expect(next.reusedSocket, 'the kept-alive socket was dropped').toBe(true);
    const again = await send('POST', '/v1/events', bodyOf(10));
    expect(again.status, again.body).toBe(202);
    expect(again.reusedSocket).toBe(true);
  }

  it.each([
    ['with content-length', false],
    ['chunked', true],
  ])('answers 413 for an oversized body (%s) and keeps the next request working', async (_label, chunked) => {
    const first = await send('POST', '/v1/events', bodyOf(4 * 1024 * 1024), { chunked });
    expect(first.status, first.body).toBe(413);
    expect(JSON.parse(first.body).error.code).toBe('payload_too_large');
    await expectNextRequestWorks(first);
  });

  it('answers 409 from pause of a draft flow with a large unread body and keeps the next request working', async () => {
    const created = await h.api('POST', '/v1/flows', { name: 'Draft', trigger: { event: 'signup' }, steps: [{ exit: null }] });
    const first = await send('POST', `/v1/flows/${created.body.data.id}/pause`, bodyOf(LIMIT - 1000));
    expect(first.status, first.body).toBe(409);
    await expectNextRequestWorks(first);
  });

  it('answers a slow client only once its whole body is in, keeping the connection', async () => {
    const created = await h.api('POST', '/v1/flows', { name: 'Draft', trigger: { event: 'signup' }, steps: [{ exit: null }] });
    const first = await send('POST', `/v1/flows/${created.body.data.id}/pause`, bodyOf(1000), { pauseMidBodyMs: 700 });
    expect(first.status, first.body).toBe(409);
    await expectNextRequestWorks(first);
  });

  it(`answers 413 with Connection: close when the body is over ${MAX_DISCARD_BYTES} bytes past the limit`, async () => {
    const first = await send('POST', '/v1/events', bodyOf(LIMIT + MAX_DISCARD_BYTES + 1024));
    expect(first.status, first.body).toBe(413);
    expect(first.connection).toBe('close');
    await expectNextRequestWorks(first);
  });

  it('answers 401 before reading a large body and keeps the next request working', async () => {
    const first = await send('POST', '/v1/events', bodyOf(LIMIT - 1000), { auth: false });
    expect(first.status, first.body).toBe(401);
    await expectNextRequestWorks(first);
  });
});
