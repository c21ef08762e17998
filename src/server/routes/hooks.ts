/**
 * `POST /hooks/:token`: where booking systems send their webhooks. Outside /v1 and its
 * authentication on purpose: the unguessable token finds the source and the vendor's signature
 * proves the sender (engine/sources/receive.ts). The body was read whole, within the server's
 * limit, by request-size.ts before this route runs.
 *
 * The URL a vendor signs (Square) is the one it called: NUDGE_PUBLIC_URL plus the path and query
 * when set, else the origin the request came to (as a trusted proxy forwards it, proxy-trust.ts);
 * NUDGE_PUBLIC_URL is the dependable answer behind a proxy.
 */
import { Hono } from 'hono';
import type { EngineContext } from '../../engine/engine-context.js';
import { receiveWebhook } from '../../engine/sources/receive.js';
import type { AppEnv } from '../app-types.js';
import { publicBase } from './users.js';

export function hookRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/:token', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const body = new Uint8Array(await c.req.arrayBuffer());
    const called = new URL(c.req.url);
    const url = `${publicBase(ctx, c)}${called.pathname}${called.search}`;
    const answer = await receiveWebhook(ctx, c.req.param('token'), { headers, body, url });
    if (answer.retryAfter !== undefined) c.header('retry-after', String(answer.retryAfter));
    return c.json(answer.body, answer.status as 200);
  });
  return app;
}
