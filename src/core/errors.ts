/**
 * Typed errors shared by every layer. One place (server/error-mapping.ts) turns them into
 * `{ "error": { "code", "message", "path" } }` responses; nothing else builds error bodies.
 */

export interface FieldIssue {
  /** Path of the bad field, e.g. `steps[2].wait.until`; empty string for the whole input. */
  path: string;
  message: string;
  /**
   * What is wrong, for clients that word the message themselves (zod's codes: `required`,
   * `invalid_type`, `too_small`, `too_big`, `invalid_value`, `invalid_format`, `unknown_field`);
   * absent on issues whose message is the only description.
   */
  code?: string;
  /** The values the message names (`minimum`, `expected`, `values` …), by code. */
  params?: Record<string, string | number>;
}

export interface NudgeErrorOptions {
  status?: number;
  path?: string;
  retryable?: boolean;
  details?: FieldIssue[];
  cause?: unknown;
  /** Seconds the client should wait before trying again (sent as Retry-After). */
  retryAfterS?: number;
}

export class NudgeError extends Error {
  readonly code: string;
  readonly status: number;
  readonly path: string | undefined;
  readonly retryable: boolean;
  readonly details: FieldIssue[] | undefined;
  readonly retryAfterS: number | undefined;

  constructor(code: string, message: string, options: NudgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NudgeError';
    this.code = code;
    this.status = options.status ?? 500;
    this.path = options.path;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    this.retryAfterS = options.retryAfterS;
  }
}

/** 400: the input is malformed or fails validation. The first issue becomes the message. */
export class ValidationError extends NudgeError {
  constructor(code: string, issues: FieldIssue[], cause?: unknown) {
    const first = issues[0] ?? { path: '', message: 'invalid input' };
    const message = first.path ? `${first.path}: ${first.message}` : first.message;
    super(code, message, { status: 400, path: first.path, details: issues, cause });
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends NudgeError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} not found`, { status: 404 });
    this.name = 'NotFoundError';
  }
}

/** 409: the request is well formed but conflicts with the current state. */
export class ConflictError extends NudgeError {
  constructor(code: string, message: string, path?: string) {
    super(code, message, { status: 409, path });
    this.name = 'ConflictError';
  }
}

export class AuthError extends NudgeError {
  constructor(message = 'missing or invalid API key', code = 'unauthorized', path?: string) {
    super(code, message, { status: 401, path });
    this.name = 'AuthError';
  }
}

/** 403: the caller is known but its role may not do this. */
export class ForbiddenError extends NudgeError {
  constructor(message: string, code = 'forbidden') {
    super(code, message, { status: 403 });
    this.name = 'ForbiddenError';
  }
}

/** Formats a path array from a validator (`['steps', 2, 'wait', 'until']`) as `steps[2].wait.until`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
