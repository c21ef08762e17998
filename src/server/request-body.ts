/**
 * Reading request bodies: JSON (or YAML for flow definitions), with clear 4xx errors for an
 * empty, malformed or wrongly typed body. Size is limited before this by request-size.ts, which
 * has read the whole body already.
 */
import type { Context } from 'hono';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { formatPath, NudgeError, ValidationError } from '../core/errors.js';

/**
 * Deepest nesting accepted in a body. Real inputs stay far below it (a flow with ten nested
 * branches is about 50 levels); without a limit a 1 MB body can nest ~200,000 levels, which the
 * parser accepts but every recursive walk after it (hashing, validation, JSON.stringify) overflows
 * the stack on, turning bad input into a 500.
 */
export const MAX_BODY_DEPTH = 100;

export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (type && !type.includes('json')) {
    throw new NudgeError('unsupported_media_type', `expected content-type application/json, got ${type}`, { status: 415 });
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new ValidationError('invalid_json', [{ path: '', message: 'request body is empty' }]);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError('invalid_json', [{ path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
  return checkBodyValue(value);
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
    throw new ValidationError('invalid_yaml', [{ path: '', message: `malformed YAML: ${message}` }]);
  }
  return checkBodyValue(value);
}

export function requireObject(value: unknown, path = ''): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('invalid_request', [{ path, message: 'expected a JSON object' }]);
  }
  return value as Record<string, unknown>;
}

/**
 * False for text with a lone UTF-16 surrogate (`"\ud800"` in JSON): not a character, so no UTF-8
 * column can hold it. `String.prototype.isWellFormed` exists since Node 20; TypeScript's ES2023 lib
 * does not declare it.
 */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * Refuses, with the path of the first offender, what no layer after this can store or walk safely:
 * nesting deeper than MAX_BODY_DEPTH (also stops YAML anchors that refer to themselves), the NUL
 * character in a string or key (PostgreSQL text cannot hold U+0000; SQLite could, so refusing it
 * here keeps both dialects answering the same 400 instead of one of them a 500), and lone
 * surrogates, which both drivers would silently store as U+FFFD, so the value read back would
 * differ from the one accepted.
 */
function checkBodyValue(value: unknown): unknown {
  const path: PropertyKey[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      if (node.includes('\u0000')) fail('must not contain the NUL character (\\u0000)');
      if (!isWellFormed(node)) fail('must be well-formed Unicode (a lone surrogate such as \\ud800 is not a character)');
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (path.length >= MAX_BODY_DEPTH) fail(`nested more than ${MAX_BODY_DEPTH} levels deep`);
    const entries: Array<[PropertyKey, unknown]> = Array.isArray(node)
      ? node.map((item, i) => [i, item])
      : Object.entries(node as Record<string, unknown>);
    for (const [key, item] of entries) {
      path.push(key);
      if (typeof key === 'string' && key.includes('\u0000')) fail('field names must not contain the NUL character (\\u0000)');
      if (typeof key === 'string' && !isWellFormed(key)) fail('field names must be well-formed Unicode (no lone surrogates)');
      visit(item);
      path.pop();
    }
  };
  const fail = (message: string): never => {
    throw new ValidationError('invalid_request', [{ path: formatPath(path), message }]);
  };
  visit(value);
  return value;
}
