/**
 * The server's errors and validation issues in the UI language. The API answers in English with a
 * `code` (and, for issues found by schema, a `code` with `params`); this module words them from the
 * `errors` catalog: an error by its code (or, for a code this build does not know, its HTTP status),
 * an issue by its code, else by the fixed wording of the validators' own messages (MESSAGES below),
 * else a general "not valid". Callers keep the server's English as a detail for the curious.
 */
import i18next from 'i18next';

export interface ServerIssue {
  path?: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

type Params = Record<string, string>;

/** The validators' own messages (src/core/*-validation.ts), which carry no code, by their fixed wording. */
const MESSAGES: ReadonlyArray<readonly [RegExp, string, ((m: RegExpExecArray) => Params)?]> = [
  [/^required$/, 'required'],
  [/^unknown field$/, 'unknown_field'],
  [/^expected an object$/, 'expected_object'],
  [/^expected an array$/, 'expected_array'],
  [/^expected a (finite )?number$/, 'expected_number'],
  [/^must not be empty$/, 'not_empty'],
  [/^expected an http\(s\) URL$/, 'http_url'],
  [/^expected an https URL/, 'https_unsubscribe'],
  [/^invalid header name$/, 'header_name'],
  [/^use either body or form, not both$/, 'body_or_form'],
  [/^must be more than 0s$/, 'timeout_positive'],
  [/^must be at most 60s$/, 'timeout_max'],
  [/^expected html or text$/, 'html_or_text'],
  [/^expected at least one of subject, html, text$/, 'variant_content'],
  [/^expected a language tag/, 'language_tag'],
  [/^required when marketing is true$/, 'unsubscribe_required'],
  [/^only used with marketing: true$/, 'unsubscribe_unused'],
  [/^expected true, false or an object$/, 'calendar_value'],
  [/^at least one field required$/, 'one_field'],
  [/^at least one step required$/, 'one_step'],
  [/^expected 1-64 letters, digits/, 'step_id'],
  [/^expected exactly one of: (.+)$/, 'exactly_one', (m) => ({ keys: m[1]! })],
  [/^expected one of: (.+)$/, 'invalid_value', (m) => ({ values: m[1]! })],
  [/^duplicate step id "(.*)"$/, 'duplicate_step', (m) => ({ id: m[1]! })],
  [/^unknown timezone "(.*)"$/, 'unknown_timezone', (m) => ({ zone: m[1]! })],
  [/^unknown channel "(.*?)"/, 'unknown_channel', (m) => ({ channel: m[1]! })],
  [/^not used with (.+)$/, 'not_used_with', (m) => ({ op: m[1]! })],
  [/^(invalid duration|duration ".*" is longer)/, 'duration'],
  [/^template error: /, 'template'],
  [/^expected an ISO time/, 'iso_time'],
  [/^expected only one of: (.+)$/, 'only_one', (m) => ({ keys: m[1]! })],
  [/^give exactly one of (.+)$/, 'exactly_one', (m) => ({ keys: m[1]! })],
  [/^give either (.+) or (.+)$/, 'either', (m) => ({ first: m[1]!, second: m[2]! })],
  [/^expected an? (string|number|boolean|array|object)$/, 'expected_type', (m) => ({ type: typeName(m[1]) })],
  [/^expected an email address$/, 'email'],
  [/^must have at least (\d+) items?$/, 'at_least_items', (m) => ({ count: m[1]! })],
  [/^must be at least (\d+)$/, 'at_least', (m) => ({ minimum: m[1]! })],
  [/^(?:must be|use) at most (\d+) characters$/, 'at_most_chars', (m) => ({ count: m[1]! })],
  [/^use at least (\d+) characters$/, 'at_least_chars', (m) => ({ count: m[1]! })],
  [/^must be less than (\d+) characters$/, 'at_most_chars', (m) => ({ count: String(Number(m[1]) - 1) })],
  [/^unknown anchor "(.*)"$/, 'unknown_anchor', (m) => ({ anchor: m[1]! })],
  // Formats the channels explain by example ("expected a version such as 2026-03-15"): the example is kept, it is code.
  [/^expected an? .* such as ([^,]+)/, 'format_example', (m) => ({ example: m[1]! })],
  [/^expected (a|an|the|lower-case) .*(followed by|ending in|template name|under|numeric|letters)/, 'format'],
  [/^invalid input$/i, 'other'],
];

/** A JSON type's name in the UI language (`string` → "text"). */
function typeName(name: string | number | undefined): string {
  const key = `type.${String(name)}`;
  return i18next.exists(key, { ns: 'errors' }) ? i18next.t(key, { ns: 'errors' }) : i18next.t('type.other', { ns: 'errors' });
}

/** One issue's message in the UI language (without its path). */
export function issueText(issue: ServerIssue): string {
  const t = (key: string, params: Record<string, unknown> = {}) => i18next.t(`issue.${key}`, { ns: 'errors', ...params });
  if (issue.code === 'invalid_type') return t('invalid_type', { expected: typeName(issue.params?.expected), received: typeName(issue.params?.received) });
  if (issue.code && i18next.exists(`issue.${issue.code}`, { ns: 'errors' })) return t(issue.code, issue.params);
  for (const [pattern, key, params] of MESSAGES) {
    const match = pattern.exec(issue.message);
    if (match) return t(key, params?.(match));
  }
  return t('other');
}

/** Whether the catalog words this issue itself (rather than falling back to "not valid"). */
export function isKnownIssue(issue: ServerIssue): boolean {
  return (issue.code !== undefined && i18next.exists(`issue.${issue.code}`, { ns: 'errors' })) || MESSAGES.some(([pattern]) => pattern.test(issue.message));
}

/** An API error's headline in the UI language: by its code, else by its HTTP status. */
export function errorCodeText(code: string, status: number): string {
  const t = (key: string) => i18next.t(key, { ns: 'errors' });
  if (i18next.exists(`code.${code}`, { ns: 'errors' })) return t(`code.${code}`);
  return i18next.exists(`status.${status}`, { ns: 'errors' }) ? t(`status.${status}`) : t('status.other');
}
