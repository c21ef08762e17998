/**
 * Webhook: any method, headers and body, with the delivery's idempotency key in
 * `Idempotency-Key`, and Standard Webhooks signature headers when the step has a signing secret.
 * See http-request.ts for what is retried and outbound-guard.ts for which addresses are refused.
 */
import { ChannelError, type Channel, type ChannelContext, type ChannelResult } from '../channel.js';
import { sendHttpRequest, type HttpRequest } from '../http/http-request.js';
import type { OutboundContext, OutboundGuard } from '../http/outbound-guard.js';
import { signingKey, standardWebhookHeaders } from './webhook-signature.js';

export interface WebhookInput extends HttpRequest {
  /** A Standard Webhooks secret (`whsec_…`); the request is signed when present. Never logged. */
  signingSecret?: string | undefined;
}

export interface WebhookChannelOptions {
  /** The engine's clock: `webhook-timestamp` and Retry-After dates are read from it. */
  now?: () => number;
  /** The engine's outbound guard (NUDGE_OUTBOUND_ALLOW); default: nothing private allowed. */
  outbound?: OutboundGuard;
}

const SIGNATURE_HEADERS = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature']);

export function createWebhookChannel(options: WebhookChannelOptions = {}): Channel<WebhookInput> {
  const now = options.now ?? Date.now;
  return {
    manifest: {
      id: 'webhook',
      name: 'Webhook',
      description:
        'Sends an HTTP request to any URL, with an Idempotency-Key header stable across retries, signed with Standard Webhooks headers when a signing secret is set.',
      credentials: ['WEBHOOK_SIGNING_SECRET'],
    },
    send(context: ChannelContext, input: WebhookInput): Promise<ChannelResult> {
      const { signingSecret, ...request } = input;
      const outboundContext: OutboundContext = options.outbound ? { ...context, outbound: options.outbound } : context;
      if (signingSecret === undefined) return sendHttpRequest(outboundContext, request, now);
      return sendHttpRequest(outboundContext, signed(request, signingSecret, context.idempotencyKey, now()), now);
    },
  };
}

/** The request with its signature headers, signing exactly the body that will be sent. */
function signed(request: HttpRequest, secret: string, idempotencyKey: string, nowMs: number): HttpRequest {
  let key: Buffer;
  try {
    key = signingKey(secret);
  } catch (error) {
    throw new ChannelError((error as Error).message, { retryable: false, request, cause: error });
  }
  const sentBody = request.method === 'GET' || request.method === 'HEAD' ? '' : (request.body ?? '');
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !SIGNATURE_HEADERS.has(name.toLowerCase())));
  return { ...request, headers: { ...headers, ...standardWebhookHeaders(key, idempotencyKey, nowMs, sentBody) } };
}
