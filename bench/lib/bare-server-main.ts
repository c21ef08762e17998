/**
 * The ingest scenario's yardstick: the same framework (Hono on @hono/node-server) answering 202
 * to the same routes after reading and parsing the JSON body, storing nothing.
 * Prints "bare listening on <url>".
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/v1/events', async (c) => {
  await c.req.json();
  return c.json({ data: { accepted: true } }, 202);
});
app.post('/v1/events/batch', async (c) => {
  const body = (await c.req.json()) as { events?: unknown[] };
  return c.json({ data: (body.events ?? []).map(() => ({ accepted: true })) }, 202);
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`bare listening on http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
