/**
 * `POST /hooks/:token`: where booking systems send their webhooks. Outside /v1 and its
 * authentication on purpose: the unguessable token finds the source and the vendor's signature
 * proves the sender (engine/sources/receive.ts). The body was read whole, within the server's
 * limit, by request-size.ts before this route runs.
 */
import { Hono } from 'hono';
import type { EngineContext } from '../../engine/engine-context.js';
import { receiveWebhook } from '../../engine/sources/receive.js';
import type { AppEnv } from '../app-types.js';

export function hookRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/:token', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const body = new Uint8Array(await c.req.arrayBuffer());
    const answer = await receiveWebhook(ctx, c.req.param('token'), { headers, body, url: c.req.url });
    return c.json(answer.body, answer.status as 200);
  });
  return app;
}
