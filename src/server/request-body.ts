/**
 * Reading request bodies: JSON (or YAML for flow definitions), with clear 4xx errors for an
 * empty, malformed or wrongly typed body. Size is limited before this by request-size.ts, which
 * has read the whole body already.
 */
import type { Context } from 'hono';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { NudgeError, ValidationError } from '../core/errors.js';
import { issueAt } from '../core/issue-codes.js';
import { checkBodyValue, parseJsonText } from '../core/json-text.js';

export { MAX_BODY_DEPTH } from '../core/json-text.js';

export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (type && !type.includes('json')) {
    throw new NudgeError('unsupported_media_type', `expected content-type application/json, got ${type}`, { status: 415 });
  }
  return parseJsonText(await c.req.text());
}

/** JSON, or YAML when the content type says so (flows kept as files). */
export async function readJsonOrYaml(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/yaml/.test(type)) return readJson(c);
  const text = await c.req.text();
  let value: unknown;
  try {
    value = parseYaml(text) as unknown;
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message : String(error);
    throw new ValidationError('invalid_yaml', [issueAt('', 'yaml_syntax', { detail: message })]);
  }
  return checkBodyValue(value);
}

export function requireObject(value: unknown, path = ''): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('invalid_request', [issueAt(path, 'expected_object')]);
  }
  return value as Record<string, unknown>;
}
