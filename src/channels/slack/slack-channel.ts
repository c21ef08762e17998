/**
 * Slack incoming webhooks: POST `{ text, blocks? }` as JSON to the webhook URL (the URL is the
 * secret: keep it in `secrets.SLACK_WEBHOOK_URL`). Slack answers 200 `ok`; errors are short
 * plain-text codes (`invalid_payload`, `channel_not_found`, …): 429 and 5xx are retried, other
 * 4xx are permanent. Slack allows one message per second per webhook; the engine spaces them.
 *
 * `text` and every `mrkdwn` text object in `blocks` are mrkdwn: their `{{ }}` outputs are escaped
 * (slack-mrkdwn.ts). `plain_text` objects and other block strings (URLs, values) are not parsed
 * by Slack and are rendered as written.
 */
import { z } from 'zod';
import type { ChannelModule, StepRenderer } from '../channel.js';
import { sendHttpRequest, type HttpRequest } from '../http/http-request.js';
import { escapeMrkdwn } from './slack-mrkdwn.js';

const settings = z.strictObject({
  /** The incoming webhook URL, usually `{{ secrets.SLACK_WEBHOOK_URL }}`. */
  webhook_url: z.string().min(1),
  /** mrkdwn text; with blocks it is the notification fallback, so it is always required. */
  text: z.string().min(1),
  /** Block Kit blocks; every string in them is a template. */
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  /** Reply in a thread. */
  thread_ts: z.string().optional(),
  unfurl_links: z.boolean().optional(),
});

export type SlackSettings = z.infer<typeof settings>;

export function createSlackChannel(options: { now: () => number }): ChannelModule<SlackSettings, HttpRequest> {
  return {
    manifest: {
      id: 'slack',
      name: 'Slack',
      description: 'Posts a message to a Slack channel through an incoming webhook.',
      credentials: ['SLACK_WEBHOOK_URL'],
      credentialFields: ['webhook_url'],
      rateLimits: [{ limit: 1, intervalMs: 1000 }],
    },
    settings,
    async render(s, r) {
      const body: Record<string, unknown> = { text: await r.escaped(s.text, 'text', escapeMrkdwn) };
      if (s.blocks) body.blocks = await renderBlocks(s.blocks, 'blocks', r);
      if (s.thread_ts) body.thread_ts = await r.text(s.thread_ts, 'thread_ts');
      if (s.unfurl_links !== undefined) body.unfurl_links = s.unfurl_links;
      return {
        method: 'POST',
        url: (await r.text(s.webhook_url, 'webhook_url')) ?? '',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: 10_000,
      };
    },
    destination: (input) => input.url,
    send: (context, input) => sendHttpRequest(context, input, options.now),
  };
}

/** Block Kit, leaf by leaf: a `mrkdwn` text object's `text` with escaped values, everything else as a value. */
async function renderBlocks(value: unknown, path: string, r: StepRenderer): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => renderBlocks(v, `${path}[${i}]`, r)));
  if (value === null || typeof value !== 'object') return r.value(value, path);
  const node = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(node)) {
    out[key] = node.type === 'mrkdwn' && key === 'text' && typeof v === 'string'
      ? await r.escaped(v, `${path}.${key}`, escapeMrkdwn)
      : await renderBlocks(v, `${path}.${key}`, r);
  }
  return out;
}
