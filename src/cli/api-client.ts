/** A small client for CLI commands that talk to a running Nudge server. */
import { NudgeError } from '../core/errors.js';

export interface ApiClientOptions {
  url: string;
  apiKey: string | null;
}

/**
 * A GET whose answer is not JSON (a CSV export): the response, for its body to be streamed, once
 * its status is known to be 2xx; an error answer is thrown as `callApi` throws it.
 */
export async function openApiDownload(options: ApiClientOptions, path: string): Promise<Response> {
  const response = await send(options, 'GET', path, {}, undefined);
  if (!response.ok) await failure(response);
  return response;
}

async function send(options: ApiClientOptions, method: string, path: string, extraHeaders: Record<string, string>, payload: string | undefined): Promise<Response> {
  if (!options.apiKey) {
    throw new NudgeError('missing_api_key', 'no API key: pass --key or set NUDGE_API_KEY', { status: 400 });
  }
  try {
    return await fetch(new URL(path, options.url), { method, headers: { authorization: `Bearer ${options.apiKey}`, ...extraHeaders }, body: payload ?? null });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new NudgeError('unreachable', `cannot reach Nudge at ${options.url} (${cause}); is \`./nudge serve\` running?`, { status: 503 });
  }
}

async function failure(response: Response): Promise<never> {
  const text = await response.text();
  let e: { code: string; message: string; path?: string } = { code: 'http_error', message: `HTTP ${response.status}` };
  try {
    e = (JSON.parse(text) as { error?: typeof e }).error ?? e;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  throw new NudgeError(e.code, e.message, { status: response.status, path: e.path });
}

export async function callApi(
  options: ApiClientOptions,
  method: string,
  path: string,
  body?: { json?: unknown; yaml?: string },
): Promise<unknown> {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (body?.yaml !== undefined) {
    headers['content-type'] = 'application/yaml';
    payload = body.yaml;
  } else if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  }
  const response = await send(options, method, path, headers, payload);
  if (!response.ok) return failure(response);
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : {};
}
