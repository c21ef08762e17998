/**
 * A channel performs one side effect (an HTTP request, an email) and says how it went.
 * It declares intent only: a retryable failure (with an optional Retry-After) or a permanent
 * one. Retries, backoff, rate limits, lateness and logging belong to the engine.
 */

export interface ChannelManifest {
  /** Stable id used in flows and delivery logs: `webhook`, `email`, … */
  id: string;
  name: string;
  description: string;
  /** Names of workspace secrets this channel can use. */
  credentials?: string[];
}

export interface ChannelContext {
  /** Stable across retries of the same step in the same session (derived from session, step, iteration). */
  idempotencyKey: string;
  workspaceId: string;
  sessionId: string;
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
  readonly request: unknown;
  readonly response: unknown;

  constructor(
    message: string,
    options: { retryable: boolean; retryAfterMs?: number | null; request?: unknown; response?: unknown; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChannelError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.request = options.request ?? null;
    this.response = options.response ?? null;
  }
}

export interface Channel<Input> {
  manifest: ChannelManifest;
  send(context: ChannelContext, input: Input): Promise<ChannelResult>;
}
