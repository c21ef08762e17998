/** A small client for CLI commands that talk to a running Nudge server. */
import { NudgeError } from '../core/errors.js';

export interface ApiClientOptions {
  url: string;
  apiKey: string | null;
}

export async function callApi(
  options: ApiClientOptions,
  method: string,
  path: string,
  body?: { json?: unknown; yaml?: string },
): Promise<unknown> {
  if (!options.apiKey) {
    throw new NudgeError('missing_api_key', 'no API key: pass --key or set NUDGE_API_KEY', { status: 400 });
  }
  const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}` };
  let payload: string | undefined;
  if (body?.yaml !== undefined) {
    headers['content-type'] = 'application/yaml';
    payload = body.yaml;
  } else if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  }
  let response: Response;
  try {
    response = await fetch(new URL(path, options.url), { method, headers, body: payload ?? null });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new NudgeError('unreachable', `cannot reach Nudge at ${options.url} (${cause}); is \`./nudge serve\` running?`, { status: 503 });
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as { error?: { code: string; message: string; path?: string } }) : {};
  if (!response.ok) {
    const e = parsed.error ?? { code: 'http_error', message: `HTTP ${response.status}` };
    throw new NudgeError(e.code, e.message, { status: response.status, path: e.path });
  }
  return parsed;
}
