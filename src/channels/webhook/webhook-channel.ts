/**
 * Webhook: any method, headers and body, with the delivery's idempotency key in
 * `Idempotency-Key`. See http-request.ts for what is retried.
 */
import type { Channel, ChannelContext, ChannelResult } from '../channel.js';
import { sendHttpRequest, type HttpRequest } from '../http/http-request.js';

export type WebhookInput = HttpRequest;

export function createWebhookChannel(options: { now?: () => number } = {}): Channel<WebhookInput> {
  const now = options.now ?? Date.now;
  return {
    manifest: {
      id: 'webhook',
      name: 'Webhook',
      description: 'Sends an HTTP request to any URL, with an Idempotency-Key header stable across retries.',
    },
    send(context: ChannelContext, input: WebhookInput): Promise<ChannelResult> {
      return sendHttpRequest(context, input, now);
    },
  };
}
