/**
 * Turning a send step into a channel call: render the step's settings against the session's
 * context with its channel module's `render`, call the module, and describe the attempt for the
 * delivery log. Every send step (webhook, email, `send: { channel }`) takes this one path.
 * Credential positions (a channel's declared credential settings: a webhook's URL, headers and
 * signing secret, a Slack webhook URL, an API key) are rendered with `secrets` and remembered by
 * the redactor; every other position sees `secrets` only as an error (template-secrets.ts).
 */
import { isSendStep, sendTarget, type CompiledStep, type SendStep } from '../core/flow-compiler.js';
import { ChannelError, type ChannelContext, type ChannelModule, type ChannelResult, type StepRenderer } from '../channels/channel.js';
import type { Workspace } from '../store/schema.js';
import type { EngineContext } from './engine-context.js';
import { MIN_REDACTED_LENGTH } from '../core/secret-input.js';
import { SecretRedactor, SecretsDrop } from './template-secrets.js';
import { renderString, renderStringSync, renderValue, TemplateError, type OutputEscape, type OutputMode, type TemplateContext } from './templates.js';

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
  if (!isSendStep(step)) throw new Error(`step ${step.id} is a ${step.kind} step, not a send step`);
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
  step: SendStep,
  workspace: Workspace,
  context: TemplateContext,
  channelContext: ChannelContext,
  redactor: SecretRedactor,
): Promise<SendAttempt> {
  const channel = sendTarget(step).channel;
  const started = performance.now();
  let request: unknown = null;
  try {
    const { module, input } = await renderChannelStep(ctx, step, workspace, context, redactor);
    request = input;
    const limits = module.manifest.rateLimits ?? [];
    if (limits.length > 0) {
      const delayMs = ctx.rateLimiter.reserve(`${module.manifest.id}:${module.destination(input)}`, limits, ctx.clock.now());
      if (delayMs > 0) return { type: 'rate_limited', channel, delayMs };
    }
    const result = await module.send(channelContext, input);
    return { type: 'sent', channel, result, durationMs: Math.round(performance.now() - started) };
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
  /** The workspace's sender address; default empty. */
  sender?: string;
}

/**
 * Renders a channel step's settings; `base` prefixes field paths in template errors. Settings
 * named in `credentialFields` are credential positions, and so is everything under one
 * (`headers.authorization` under `headers`).
 */
export function createRenderer(context: TemplateContext, base: string, options: RendererOptions = {}): StepRenderer {
  const { redactor = new SecretRedactor({}), credentialFields = [], country = null, sender = '' } = options;
  const credential = new Set(credentialFields);
  const isCredential = (field: string) => credential.has(field) || credential.has(/^[^.[]*/.exec(field)![0]);
  const path = (field: string) => `${base}.${field}`;
  const text = (mode: OutputMode | OutputEscape) => async (t: string | undefined, field: string) => {
    if (t === undefined) return undefined;
    return isCredential(field) ? renderCredential(t, context, mode, path(field), redactor) : renderString(t, context, mode, path(field));
  };
  return {
    text: text('text'),
    html: text('html'),
    json: text('json'),
    escaped: async (t, field, escape) => text(escape)(t, field),
    value: async (v, field) =>
      isCredential(field) ? renderCredentialValue(v, context, path(field), redactor) : renderValue(v, context, path(field)),
    path,
    country,
    sender,
    variables: context,
  };
}

/** A send step's channel module and its settings rendered, with the channel's credential settings as such. */
async function renderChannelStep(
  ctx: EngineContext,
  step: SendStep,
  workspace: Workspace,
  context: TemplateContext,
  redactor: SecretRedactor,
): Promise<{ module: ChannelModule; input: unknown }> {
  const target = sendTarget(step);
  const module = ctx.registry.get(target.channel);
  if (!module) throw new Error(`channel ${target.channel} is not available in this version of Nudge`);
  const renderer = createRenderer(context, target.path, {
    redactor,
    credentialFields: module.manifest.credentialFields ?? [],
    country: workspace.country,
    sender: workspace.sender_email || ctx.config.smtpFrom,
  });
  return { module, input: await module.render(target.settings, renderer) };
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
): Promise<{ channel: string; module: ChannelModule; input: unknown }> {
  if (!isSendStep(step)) throw new Error(`step ${step.id} is a ${step.kind} step, not a send step`);
  try {
    const { module, input } = await renderChannelStep(ctx, step, workspace, context, redactor);
    return { channel: module.manifest.id, module, input };
  } catch (error) {
    throw redactor.redactError(error);
  }
}
