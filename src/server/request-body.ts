/**
 * Reading request bodies: JSON (or YAML for flow definitions), with clear 4xx errors for an
 * empty, malformed or wrongly typed body. Size is limited before this by the body-limit middleware.
 */
import type { Context } from 'hono';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { NudgeError, ValidationError } from '../core/errors.js';

export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (type && !type.includes('json')) {
    throw new NudgeError('unsupported_media_type', `expected content-type application/json, got ${type}`, { status: 415 });
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new ValidationError('invalid_json', [{ path: '', message: 'request body is empty' }]);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError('invalid_json', [{ path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
}

/** JSON, or YAML when the content type says so (flows kept as files). */
export async function readJsonOrYaml(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/yaml/.test(type)) return readJson(c);
  const text = await c.req.text();
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message : String(error);
    throw new ValidationError('invalid_yaml', [{ path: '', message: `malformed YAML: ${message}` }]);
  }
}

export function requireObject(value: unknown, path = ''): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('invalid_request', [{ path, message: 'expected a JSON object' }]);
  }
  return value as Record<string, unknown>;
}
