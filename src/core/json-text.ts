/**
 * Parsing JSON text received from outside (request bodies, webhooks) with the limits every later
 * layer relies on.
 */
import { formatPath, ValidationError } from './errors.js';

/**
 * Deepest nesting accepted in a body. Real inputs stay far below it (a flow with ten nested
 * branches is about 50 levels); without a limit a 1 MB body can nest ~200,000 levels, which the
 * parser accepts but every recursive walk after it (hashing, validation, JSON.stringify) overflows
 * the stack on, turning bad input into a 500.
 */
export const MAX_BODY_DEPTH = 100;

/** The value of JSON text, or a 400 ValidationError: empty, malformed, or past the limits of checkBodyValue. */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new ValidationError('invalid_json', [{ path: '', message: 'request body is empty' }]);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError('invalid_json', [{ path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
  return checkBodyValue(value);
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
export function checkBodyValue(value: unknown): unknown {
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
