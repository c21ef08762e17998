/**
 * A channel performs one side effect (an HTTP request, an email) and says how it went.
 * It declares intent only: a retryable failure (with an optional Retry-After) or a permanent
 * one. Retries, backoff, rate limits, lateness and logging belong to the engine.
 */
import type { IssueCode } from '../core/issue-codes.js';

export interface ChannelManifest {
  /** Stable id used in flows and delivery logs: `webhook`, `email`, … */
  id: string;
  name: string;
  description: string;
  /** Names of workspace secrets this channel can use. */
  credentials?: string[];
  /**
   * Settings that hold credentials (API keys, tokens, secret webhook URLs): the only settings whose
   * templates see `secrets`, and whose rendered value is redacted wherever a request is shown.
   */
  credentialFields?: string[];
}

export interface ChannelContext {
  /** Stable across retries of the same step in the same session (derived from session, step, iteration). */
  idempotencyKey: string;
  workspaceId: string;
  sessionId: string;
  /** Id of the delivery this attempt will be recorded as, when it is recorded (not for test sends). */
  deliveryId?: string | undefined;
  /** Aborts the attempt when the engine shuts down. */
  signal?: AbortSignal | undefined;
}

/** What the delivery log records for an attempt. Secrets must already be redacted. */
export interface ChannelResult {
  request: unknown;
  response: unknown;
}

export class ChannelError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /** Nobody to send to (a contact without a phone): the engine skips the step and the flow goes on. */
  readonly noRecipient: boolean;
  readonly request: unknown;
  readonly response: unknown;
  /** The step setting at fault (`to`, `value`), when the error is about one: previews answer 400 with its path. */
  readonly field: string | undefined;

  constructor(
    message: string,
    options: {
      retryable: boolean;
      retryAfterMs?: number | null;
      noRecipient?: boolean;
      request?: unknown;
      response?: unknown;
      field?: string;
      cause?: unknown;
    },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChannelError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.noRecipient = options.noRecipient ?? false;
    this.request = options.request ?? null;
    this.response = options.response ?? null;
    this.field = options.field;
  }
}

/** At most `limit` sends per `intervalMs` to one destination (a Slack webhook URL, a Klaviyo account). */
export interface RateLimit {
  limit: number;
  intervalMs: number;
}

/** Renders a step's settings against the session: the engine's templates, with its escaping rules. */
export interface StepRenderer {
  /** Plain text (subjects, URLs, SMS bodies). Undefined stays undefined. */
  text(template: string | undefined, field: string): Promise<string | undefined>;
  /** HTML: every `{{ }}` output is HTML-escaped. */
  html(template: string | undefined, field: string): Promise<string | undefined>;
  /** Every `{{ }}` output passed through `escape` (a module constant): a channel's own markup, such as Slack mrkdwn. */
  escaped(template: string | undefined, field: string, escape: (value: unknown) => string): Promise<string | undefined>;
  /** JSON text (a string body sent as JSON): every `{{ }}` output is JSON-escaped. */
  json(template: string | undefined, field: string): Promise<string | undefined>;
  /** Every string inside a JSON-like value; a lone `{{ expression }}` keeps its type. */
  value(value: unknown, field: string): Promise<unknown>;
  /** The setting's full path in the flow (`steps[2].webhook.signing_secret`), for errors a channel raises itself. */
  path(field: string): string;
  /** The workspace's default country (ISO 3166-1 alpha-2) for phone numbers written without a country code, or null. */
  readonly country: string | null;
  /** The workspace's sender address (its own, else NUDGE_SMTP_FROM): email's default `from`. */
  readonly sender: string;
  /**
   * The template variables (contact, appointment, event, workspace, flow), for a channel that builds
   * part of its input from the session's data rather than from a template: email picks its
   * language variant from the contact and its calendar invitation from the appointment.
   */
  readonly variables: Readonly<Record<string, unknown>>;
}

/** What a test send (`POST /v1/flows/:id/test`) may aim elsewhere than the step's own destination. */
export interface TestTarget<Input> {
  /** The request field that names the target. */
  field: 'to' | 'url';
  /** Set when a test cannot go to the step's own destination: the issue reported when `field` is missing. */
  required?: IssueCode;
  /** The input aimed at `target`. */
  aim(input: Input, target: string): Input;
}

/**
 * A channel module (n8n/activepieces style): a manifest that describes it as data, a zod schema
 * for the step's settings (checked when a flow is saved), a `render` that turns the settings into
 * the channel's input, and `send`. A step uses it as `send: { channel: <id>, ...settings }`, or,
 * for webhook and email, as a step kind of their own (`webhook: { … }`, `email: { … }`).
 */
export interface ChannelModule<Settings = any, Input = any> {
  manifest: ChannelManifest & {
    /** Limits per destination, enforced by the engine: over the limit, a send waits; nothing is dropped. */
    rateLimits?: RateLimit[];
    /**
     * Set for a channel written as a step kind of its own rather than `send: { channel }`. The flow
     * schema in core validates and describes those settings, so the registry leaves the channel
     * out of `send` validation and out of the list editors offer for `send` steps.
     */
    stepKind?: 'webhook' | 'email';
  };
  settings: import('zod').ZodType<Settings>;
  render(settings: Settings, render: StepRenderer): Promise<Input>;
  /** What the rate limits count against, e.g. the webhook URL or the API key's account. */
  destination(input: Input): string;
  send(context: ChannelContext, input: Input): Promise<ChannelResult>;
  /** Where a test send may go instead; absent: tests go where the settings say. */
  testTarget?: TestTarget<Input>;
  /** Releases what the channel holds (an SMTP pool) when the engine closes. */
  close?(): void;
}
