/**
 * Turning a webhook or email step into a channel call: render the templates against the
 * session's context, call the channel, and describe the attempt for the delivery log.
 * Credential positions (a webhook's URL, headers and signing secret; a channel's declared
 * credential settings) are rendered with `secrets` and remembered by the redactor; every other
 * position sees `secrets` only as an error (template-secrets.ts).
 */
import type { CompiledStep } from '../core/flow-compiler.js';
import { durationToMs, parseDuration } from '../core/duration.js';
import { ChannelError, type ChannelContext, type ChannelResult } from '../channels/channel.js';
import type { EmailInput } from '../channels/email/email-channel.js';
import { appointmentCalendar, chooseContent, unsubscribeHeaders, type InviteVariables } from '../channels/email/email-content.js';
import type { WebhookInput } from '../channels/webhook/webhook-channel.js';
import { checkSigningSecret } from '../channels/webhook/webhook-signature.js';
import type { ChannelModule, StepRenderer } from '../channels/channel.js';
import type { Workspace } from '../store/schema.js';
import type { EngineContext } from './engine-context.js';
import { MIN_REDACTED_LENGTH } from '../core/secret-input.js';
import { SecretRedactor, SecretsDrop } from './template-secrets.js';
import { renderRecord, renderString, renderStringSync, renderValue, TemplateError, type OutputEscape, type OutputMode, type TemplateContext } from './templates.js';

export type SendAttempt =
  | { type: 'sent'; channel: string; result: ChannelResult; durationMs: number }
  | { type: 'rate_limited'; channel: string; delayMs: number }
  | { type: 'failed'; channel: string; error: Error; retryable: boolean; retryAfterMs: number | null; request: unknown; response: unknown; durationMs: number }
  | { type: 'no_recipient'; channel: string; request: unknown };

export async function performSend(
  ctx: EngineContext,
  step: CompiledStep,
  workspace: Workspace,
  context: TemplateContext,
  channelContext: ChannelContext,
  redactor: SecretRedactor,
): Promise<SendAttempt> {
  const attempt = await attemptSend(ctx, step, workspace, context, channelContext, redactor);
  return redactAttempt(attempt, redactor);
}

/** The attempt as the delivery log and session log may show it. */
function redactAttempt(attempt: SendAttempt, redactor: SecretRedactor): SendAttempt {
  switch (attempt.type) {
    case 'sent':
      return { ...attempt, result: { request: redactor.redactValue(attempt.result.request), response: redactor.redactValue(attempt.result.response) } };
    case 'failed':
      return {
        ...attempt,
        error: redactor.redactError(attempt.error),
        request: redactor.redactValue(attempt.request),
        response: attempt.response === null ? null : redactor.redactValue(attempt.response),
      };
    case 'no_recipient':
      return { ...attempt, request: redactor.redactValue(attempt.request) };
    default:
      return attempt;
  }
}

async function attemptSend(
  ctx: EngineContext,
  step: CompiledStep,
  workspace: Workspace,
  context: TemplateContext,
  channelContext: ChannelContext,
  redactor: SecretRedactor,
): Promise<SendAttempt> {
  const channel = step.send ? step.send.channel : step.kind === 'email' ? 'email' : 'webhook';
  const started = performance.now();
  let request: unknown = null;
  try {
    if (step.webhook) {
      const input = await renderWebhook(step, context, redactor);
      request = input;
      const result = await ctx.channels.webhook.send(channelContext, input);
      return { type: 'sent', channel, result, durationMs: Math.round(performance.now() - started) };
    }
    if (step.send) {
      const { module, input } = await renderChannelStep(ctx, step, workspace, context, redactor);
      request = input;
      const limits = module.manifest.rateLimits ?? [];
      if (limits.length > 0) {
        const delayMs = ctx.rateLimiter.reserve(`${module.manifest.id}:${module.destination(input)}`, limits, ctx.clock.now());
        if (delayMs > 0) return { type: 'rate_limited', channel, delayMs };
      }
      const result = await module.send(channelContext, input);
      return { type: 'sent', channel, result, durationMs: Math.round(performance.now() - started) };
    }
    if (step.email) {
      const input = await renderEmail(ctx, step, workspace, context);
      request = input;
      if (!input.to.trim()) return { type: 'no_recipient', channel, request };
      const result = await ctx.channels.email.send(channelContext, input);
      return { type: 'sent', channel, result, durationMs: Math.round(performance.now() - started) };
    }
    throw new Error(`step ${step.id} is not a send step`);
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    if (error instanceof ChannelError && error.noRecipient) {
      return { type: 'no_recipient', channel, request: error.request ?? request };
    }
    if (error instanceof ChannelError) {
      return {
        type: 'failed',
        channel,
        error,
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
        request: error.request ?? request,
        response: error.response,
        durationMs,
      };
    }
    // Template errors and other non-channel failures will not get better by retrying.
    return { type: 'failed', channel, error: error as Error, retryable: false, retryAfterMs: null, request, response: null, durationMs };
  }
}

async function renderWebhook(step: CompiledStep, context: TemplateContext, redactor: SecretRedactor): Promise<WebhookInput> {
  const w = step.webhook!;
  const path = `${step.path}.webhook`;
  const url = renderCredential(w.url, context, 'text', `${path}.url`, redactor);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.headers ?? {})) headers[k] = renderCredential(v, context, 'text', `${path}.headers.${k}`, redactor);
  const hasHeader = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  let body: string | null = null;
  if (w.form) {
    body = new URLSearchParams(await renderRecord(w.form, context, `${path}.form`)).toString();
    if (!hasHeader('content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (w.body !== undefined) {
    const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
    if (typeof w.body === 'string') {
      body = await renderString(w.body, context, contentType.includes('json') ? 'json' : 'text', `${path}.body`);
    } else {
      body = JSON.stringify(await renderValue(w.body, context, `${path}.body`));
    }
    if (!hasHeader('content-type')) headers['content-type'] = 'application/json';
  }
  const timeout = parseDuration(w.timeout);
  const input: WebhookInput = { method: w.method, url, headers, body, timeoutMs: timeout ? durationToMs(timeout) : 10_000 };
  if (w.signing_secret !== undefined) {
    const secret = renderCredential(w.signing_secret, context, 'text', `${path}.signing_secret`, redactor);
    // Not enumerable: the secret never reaches a delivery log or a preview through JSON.
    Object.defineProperty(input, 'signingSecret', { value: checkSigningSecret(secret, `${path}.signing_secret`), enumerable: false });
  }
  return input;
}

async function renderEmail(
  ctx: EngineContext,
  step: CompiledStep,
  workspace: Workspace,
  context: TemplateContext,
): Promise<EmailInput> {
  const e = step.email!;
  const path = `${step.path}.email`;
  const text = (v: string | undefined, field: string) =>
    v === undefined ? Promise.resolve(undefined) : renderString(v, context, 'text', `${path}.${field}`);
  const content = chooseContent(e, (context.contact as { language?: unknown } | undefined)?.language);
  const input: EmailInput = {
    from: (await text(e.from, 'from')) || workspace.sender_email || ctx.config.smtpFrom,
    to: (await text(e.to, 'to')) ?? '',
    cc: (await text(e.cc, 'cc')) || undefined,
    bcc: (await text(e.bcc, 'bcc')) || undefined,
    replyTo: (await text(e.reply_to, 'reply_to')) || undefined,
    subject: ((await text(content.subject.template, content.subject.field)) ?? '').replace(/[\r\n]+/g, ' '),
    html: content.html === undefined ? undefined : await renderString(content.html.template, context, 'html', `${path}.${content.html.field}`),
    text: await text(content.text?.template, content.text?.field ?? 'text'),
  };
  if (content.language !== null) input.language = content.language;
  if (e.marketing && e.unsubscribe_url !== undefined) {
    input.headers = unsubscribeHeaders((await text(e.unsubscribe_url, 'unsubscribe_url')) ?? '', `${path}.unsubscribe_url`);
  }
  if (e.calendar) {
    const options = e.calendar === true ? {} : e.calendar;
    const texts = {
      summary: await text(options.summary, 'calendar.summary'),
      location: await text(options.location, 'calendar.location'),
      description: await text(options.description, 'calendar.description'),
      filename: options.filename,
    };
    const calendar = appointmentCalendar(context as unknown as InviteVariables, texts, input, ctx.clock.now(), `${path}.calendar`);
    if (calendar) input.calendar = calendar;
  }
  return input;
}

/**
 * Renders a credential position: `secrets` readable, the result remembered by `redactor` when a
 * secret was read, and any error message redacted before it travels.
 */
function renderCredential(template: string, context: TemplateContext, mode: OutputMode | OutputEscape, path: string, redactor: SecretRedactor): string {
  const secrets = new SecretsDrop(redactor.secrets);
  let out: string;
  try {
    out = renderStringSync(template, { ...context, secrets }, mode, path);
  } catch (error) {
    redactor.remember(template, null, secrets);
    throw redactor.redactError(error);
  }
  const kept = out.trim().length;
  if (secrets.wasRead() && kept > 0 && kept < MIN_REDACTED_LENGTH) {
    throw new TemplateError(`a value computed from secrets must be empty or at least ${MIN_REDACTED_LENGTH} characters, so it can be redacted`, path);
  }
  redactor.remember(template, out, secrets);
  return out;
}

/** A JSON-like credential setting: each string rendered as a credential position of its own. */
function renderCredentialValue(value: unknown, context: TemplateContext, path: string, redactor: SecretRedactor): unknown {
  if (typeof value === 'string') return renderCredential(value, context, 'text', path, redactor);
  if (Array.isArray(value)) return value.map((v, i) => renderCredentialValue(v, context, `${path}[${i}]`, redactor));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderCredentialValue(v, context, `${path}.${k}`, redactor)]));
  }
  return value;
}

export interface RendererOptions {
  /** Remembers credential positions that read a secret; default: a workspace without secrets. */
  redactor?: SecretRedactor;
  /** The channel's credential settings (its manifest's `credentialFields`); default none. */
  credentialFields?: readonly string[];
  /** The workspace's default country (ISO 3166-1 alpha-2); default none. */
  country?: string | null;
}

/**
 * Renders a channel step's settings; `base` prefixes field paths in template errors. Settings
 * named in `credentialFields` are credential positions. `country` is the workspace's default
 * country for phone numbers written without a country code.
 */
export function createRenderer(context: TemplateContext, base: string, options: RendererOptions = {}): StepRenderer {
  const { redactor = new SecretRedactor({}), credentialFields = [], country = null } = options;
  const credential = new Set(credentialFields);
  const text = (mode: OutputMode | OutputEscape) => async (t: string | undefined, field: string) => {
    if (t === undefined) return undefined;
    const path = `${base}.${field}`;
    return credential.has(field) ? renderCredential(t, context, mode, path, redactor) : renderString(t, context, mode, path);
  };
  return {
    text: text('text'),
    html: text('html'),
    escaped: async (t, field, escape) => text(escape)(t, field),
    value: async (v, field) =>
      credential.has(field) ? renderCredentialValue(v, context, `${base}.${field}`, redactor) : renderValue(v, context, `${base}.${field}`),
    country,
  };
}

/** A channel step's module and its settings rendered, with the channel's credential settings as such. */
async function renderChannelStep(
  ctx: EngineContext,
  step: CompiledStep,
  workspace: Workspace,
  context: TemplateContext,
  redactor: SecretRedactor,
): Promise<{ module: ChannelModule; input: unknown }> {
  const send = step.send!;
  const module = ctx.registry.get(send.channel);
  if (!module) throw new Error(`channel ${send.channel} is not available in this version of Nudge`);
  const renderer = createRenderer(context, `${step.path}.send`, { redactor, credentialFields: module.manifest.credentialFields ?? [], country: workspace.country });
  return { module, input: await module.render(send.settings, renderer) };
}

/**
 * The input a send step would hand its channel, rendered but not sent (preview, test sends,
 * dry-run). The input is not redacted (a test send sends it); an error's message is.
 */
export async function renderStepInput(
  ctx: EngineContext,
  step: CompiledStep,
  workspace: Workspace,
  context: TemplateContext,
  redactor: SecretRedactor,
): Promise<{ channel: string; input: unknown }> {
  try {
    if (step.webhook) return { channel: 'webhook', input: await renderWebhook(step, context, redactor) };
    if (step.email) return { channel: 'email', input: await renderEmail(ctx, step, workspace, context) };
    if (step.send) {
      const { module, input } = await renderChannelStep(ctx, step, workspace, context, redactor);
      return { channel: module.manifest.id, input };
    }
  } catch (error) {
    throw redactor.redactError(error);
  }
  throw new Error(`step ${step.id} is a ${step.kind} step, not a send step`);
}
