/**
 * The one way the app talks to Nudge: the public HTTP API under /v1, with the session cookie.
 * Writes carry the CSRF token the server handed out with the signed-in user (`GET /v1/auth/me`).
 * Errors arrive as `ApiError` with the server's code, message and the path of the bad field.
 */
/** One bad field; `code` and `params` when the server found it by schema (docs/api.md), so the UI can word it. */
export interface ApiIssue {
  path: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

export interface ApiErrorBody {
  error: { code: string; message: string; path?: string; details?: ApiIssue[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly details: ApiIssue[] = [],
    /** Seconds from the `Retry-After` header (429, 503), when the server sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401, so the app can send the user to sign-in. */
let onUnauthorized: (() => void) | null = null;
export function setOnUnauthorized(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export async function api<T = unknown>(
  path: string,
  init: { method?: string; body?: unknown; query?: Record<string, string | number | undefined | null> } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const url = new URL(path.startsWith('/v1') ? path : `/v1${path}`, globalThis.location?.origin ?? 'http://localhost');
  for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url.pathname + url.search, {
    method,
    headers,
    credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const body = (json ?? {}) as Partial<ApiErrorBody>;
    if (response.status === 401 && onUnauthorized && !path.includes('/auth/')) onUnauthorized();
    throw new ApiError(
      response.status,
      body.error?.code ?? 'http_error',
      body.error?.message ?? `${response.status} ${response.statusText}`,
      body.error?.path,
      body.error?.details ?? [],
      retryAfterSeconds(response.headers.get('retry-after')),
    );
  }
  return json as T;
}

function retryAfterSeconds(header: string | null): number | null {
  if (!header) return null;
  const seconds = /^\d+$/.test(header) ? Number(header) : Math.ceil((Date.parse(header) - Date.now()) / 1000);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
