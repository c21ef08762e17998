/**
 * Closing the HTTP server on shutdown: it stops accepting at once, lets a request in progress
 * finish within the grace period, and cuts one that outlasts it.
 */
import { request } from 'node:http';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/server/app-types.js';
import { listen } from '../../src/server/http-server.js';

function slowApp(ms: number): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/slow', async (c) => {
    await new Promise((r) => setTimeout(r, ms));
    return c.text('done');
  });
  app.get('/fast', (c) => c.text('fast'));
  return app;
}

/** A GET that resolves with the status and body, or with the error that ended it. */
function get(port: number, path: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end();
  });
}

describe('HTTP server close', () => {
  it('finishes a request in progress within the grace period and refuses new connections', async () => {
    const server = await listen(slowApp(300), '127.0.0.1', 0);
    const inFlight = get(server.port, '/slow');
    await new Promise((r) => setTimeout(r, 50));
    const closed = server.close(5_000);
    expect(await get(server.port, '/fast')).toEqual({ error: 'ECONNREFUSED' });
    expect(await inFlight).toEqual({ status: 200, body: 'done' });
    await closed;
  });

  it('cuts a request that outlasts the grace period', async () => {
    const server = await listen(slowApp(10_000), '127.0.0.1', 0);
    const inFlight = get(server.port, '/slow');
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await server.close(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await inFlight).toHaveProperty('error');
  });
});
