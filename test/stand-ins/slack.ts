/**
 * A stand-in for Slack incoming webhooks that checks the documented wire format: POST, JSON body
 * with a non-empty `text` (blocks optional, an array), answering 200 `ok` as text/html; scripted
 * failures answer like Slack does (plain-text codes, 429 with Retry-After).
 *
 * It reads mrkdwn (`text` and every `mrkdwn` text object in `blocks`) as Slack does: `<…>` is a
 * control sequence (`<!channel>` notifies the channel, `<https://…|label>` is a link, `<@U…>` a
 * mention) and `&amp;`, `&lt;`, `&gt;` show as `&`, `<`, `>`. Each message records the control
 * sequences it contains and the text Slack would show, so tests can check that customer data
 * planted none.
 */
import { createServer } from 'node:http';

export interface SlackMessage {
  path: string;
  body: { text: string; blocks?: unknown[]; [k: string]: unknown };
  /** Every control sequence in the message's mrkdwn, as sent (`<!channel>`, `<https://…|Pay>`). */
  controls: string[];
  /** `text` as Slack shows it. */
  shown: string;
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
      const mrkdwn = [body.text, ...mrkdwnTexts(body.blocks)];
      messages.push({ path: req.url ?? '', body, controls: mrkdwn.flatMap((t) => readMrkdwn(t).controls), shown: readMrkdwn(body.text).shown, at: Date.now() });
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

/** The `text` of every `{ type: 'mrkdwn' }` object inside `blocks`. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (value === null || typeof value !== 'object') return [];
  const node = value as Record<string, unknown>;
  if (node.type === 'mrkdwn' && typeof node.text === 'string') return [node.text];
  return Object.values(node).flatMap(mrkdwnTexts);
}

const decode = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Slack's reading of mrkdwn: its control sequences, and the text it shows (`<!here>` as `@here`, a link as its label). */
export function readMrkdwn(text: string): { controls: string[]; shown: string } {
  const controls: string[] = [];
  let shown = '';
  let last = 0;
  for (const m of text.matchAll(/<([^<>]*)>/g)) {
    controls.push(m[0]);
    const [target = '', label] = m[1]!.split('|');
    shown += decode(text.slice(last, m.index)) + (target.startsWith('!') ? `@${target.slice(1).split('^')[0]}` : decode(label ?? target));
    last = m.index + m[0].length;
  }
  return { controls, shown: shown + decode(text.slice(last)) };
}
