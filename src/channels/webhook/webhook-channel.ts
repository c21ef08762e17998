/**
 * Webhook: any method, headers and body, with the delivery's idempotency key in
 * `Idempotency-Key`, and Standard Webhooks signature headers when the step has a signing secret.
 * Flows write it as a step kind of its own (`webhook: { … }`); its URL, headers and signing
 * secret are credential positions. See http-request.ts for what is retried and outbound-guard.ts
 * for which addresses are refused.
 */
import type { z } from 'zod';
import { DEFAULT_WEBHOOK_TIMEOUT } from '../../core/flow-compiler.js';
import type { WebhookStep } from '../../core/flow-definition.js';
import { durationToMs, parseDuration } from '../../core/duration.js';
import { STEP_KIND_SCHEMAS } from '../../core/step-validation.js';
import { ChannelError, type ChannelContext, type ChannelModule, type ChannelResult, type StepRenderer } from '../channel.js';
import { sendHttpRequest, type HttpRequest } from '../http/http-request.js';
import type { OutboundContext, OutboundGuard } from '../http/outbound-guard.js';
import { checkSigningSecret, signingKey, standardWebhookHeaders } from './webhook-signature.js';

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

export function createWebhookChannel(options: WebhookChannelOptions = {}): ChannelModule<WebhookStep, WebhookInput> {
  const now = options.now ?? Date.now;
  return {
    manifest: {
      id: 'webhook',
      name: 'Webhook',
      description:
        'Sends an HTTP request to any URL, with an Idempotency-Key header stable across retries, signed with Standard Webhooks headers when a signing secret is set.',
      credentials: ['WEBHOOK_SIGNING_SECRET'],
      credentialFields: ['url', 'headers', 'signing_secret'],
      stepKind: 'webhook',
    },
    settings: STEP_KIND_SCHEMAS.webhook as z.ZodType<WebhookStep>,
    render: renderWebhook,
    destination: (input) => input.url,
    testTarget: { field: 'url', aim: withUrl },
    send(context: ChannelContext, input: WebhookInput): Promise<ChannelResult> {
      const { signingSecret, ...request } = input;
      const outboundContext: OutboundContext = options.outbound ? { ...context, outbound: options.outbound } : context;
      if (signingSecret === undefined) return sendHttpRequest(outboundContext, request, now);
      return sendHttpRequest(outboundContext, signed(request, signingSecret, context.idempotencyKey, now()), now);
    },
  };
}

async function renderWebhook(w: WebhookStep, r: StepRenderer): Promise<WebhookInput> {
  const url = (await r.text(w.url, 'url')) ?? '';
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.headers ?? {})) headers[k] = (await r.text(v, `headers.${k}`)) ?? '';
  const hasHeader = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  let body: string | null = null;
  if (w.form) {
    const form: Record<string, string> = {};
    for (const [k, v] of Object.entries(w.form)) form[k] = (await r.text(v, `form.${k}`)) ?? '';
    body = new URLSearchParams(form).toString();
    if (!hasHeader('content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (w.body !== undefined) {
    const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
    if (typeof w.body === 'string') {
      body = (await (contentType.includes('json') ? r.json(w.body, 'body') : r.text(w.body, 'body'))) ?? '';
    } else {
      body = JSON.stringify(await r.value(w.body, 'body'));
    }
    if (!hasHeader('content-type')) headers['content-type'] = 'application/json';
  }
  const timeout = parseDuration(w.timeout ?? DEFAULT_WEBHOOK_TIMEOUT);
  const input: WebhookInput = { method: w.method ?? 'POST', url, headers, body, timeoutMs: timeout ? durationToMs(timeout) : 10_000 };
  if (w.signing_secret !== undefined) {
    const secret = (await r.text(w.signing_secret, 'signing_secret')) ?? '';
    // Not enumerable: the secret never reaches a delivery log or a preview through JSON.
    Object.defineProperty(input, 'signingSecret', { value: checkSigningSecret(secret, r.path('signing_secret')), enumerable: false });
  }
  return input;
}

/**
 * The input aimed at `url`, keeping its non-enumerable signing secret (a spread would drop it, and
 * the test request would go out unsigned where the live one is signed).
 */
function withUrl(input: WebhookInput, url: string): WebhookInput {
  return Object.defineProperties({} as WebhookInput, {
    ...Object.getOwnPropertyDescriptors(input),
    url: { value: url, enumerable: true, writable: true, configurable: true },
  });
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
