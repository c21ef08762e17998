/**
 * A stand-in for Slack incoming webhooks that checks the documented wire format: POST, JSON body
 * with a non-empty `text` (blocks optional, an array), answering 200 `ok` as text/html; scripted
 * failures answer like Slack does (plain-text codes, 429 with Retry-After).
 */
import { createServer } from 'node:http';

export interface SlackMessage {
  path: string;
  body: { text: string; blocks?: unknown[]; [k: string]: unknown };
  at: number;
}

export interface SlackStandIn {
  /** A webhook URL on the stand-in (`/services/T000/B000/<token>`). */
  webhookUrl(token?: string): string;
  messages: SlackMessage[];
  /** Rejected requests with the reason the stand-in gave. */
  rejected: Array<{ status: number; body: string }>;
  failNext(...responses: Array<{ status: number; body: string; retryAfter?: number }>): void;
  /** Forgets messages, rejections and scripted failures. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const messages: SlackMessage[] = [];
  const rejected: Array<{ status: number; body: string }> = [];
  const script: Array<{ status: number; body: string; retryAfter?: number }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
        if (status !== 200) rejected.push({ status, body });
        res.writeHead(status, { 'content-type': 'text/html', ...headers });
        res.end(body);
      };
      if (req.method !== 'POST') return reply(405, 'invalid_method');
      if (!/^\/services\/T\w+\/B\w+\/\w+$/.test(req.url ?? '')) return reply(404, 'no_service');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return reply(400, 'invalid_payload');
      let body: SlackMessage['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage['body'];
      } catch {
        return reply(400, 'invalid_payload');
      }
      if (typeof body.text !== 'string' || body.text === '') return reply(400, 'no_text');
      if (body.blocks !== undefined && !Array.isArray(body.blocks)) return reply(400, 'invalid_blocks');
      const scripted = script.shift();
      if (scripted) {
        return reply(scripted.status, scripted.body, scripted.retryAfter ? { 'retry-after': String(scripted.retryAfter) } : {});
      }
      messages.push({ path: req.url ?? '', body, at: Date.now() });
      reply(200, 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    webhookUrl: (token = 'XXXXXXXXXXXXXXXXXXXXXXXX') => `http://127.0.0.1:${port}/services/T0001/B0001/${token}`,
    messages,
    rejected,
    failNext: (...r) => script.push(...r),
    reset() {
      messages.length = 0;
      rejected.length = 0;
      script.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
