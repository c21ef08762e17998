/**
 * The codes of validation issues (request bodies, query parameters, flows, steps, conditions,
 * channel settings, flow trials, sources' mappings and credentials, accounts) and their English
 * messages. The API sends `code` and `params` with every issue, so a client can word it in its own
 * language (the web app's `errors` catalog has an entry per code); `message` stays the English
 * below, which is what the CLI and logs show.
 */

import type { FieldIssue } from './errors.js';

type Params = Record<string, string | number>;
type Message = (params: Params) => string;

const ARTICLES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
};

const p = (params: Params, key: string): string => String(params[key] ?? '');

/** English message of each code, from its params. */
const MESSAGES = {
  required: () => 'required',
  unknown_field: () => 'unknown field',
  invalid_type: (x) => `expected ${p(x, 'expected')}, got ${p(x, 'received')}`,
  too_small: (x) => `must be at least ${p(x, 'minimum')}`,
  too_big: (x) => `must be at most ${p(x, 'maximum')}`,
  invalid_format: (x) => `expected ${p(x, 'format')}`,
  expected_type: (x) => `expected ${ARTICLES[p(x, 'type')] ?? p(x, 'type')}`,
  expected_object: () => 'expected an object',
  expected_array: () => 'expected an array',
  expected_number: () => 'expected a number',
  finite_number: () => 'expected a finite number',
  json_value: () => 'expected a JSON value',
  string_or_list: () => 'expected a string or a list of strings',
  scalar: () => 'expected a string, number, boolean or null',
  invalid_value: (x) => `expected one of: ${p(x, 'values')}`,
  exactly_one: (x) => `expected exactly one of: ${p(x, 'keys')}`,
  only_one: (x) => `expected only one of: ${p(x, 'keys')}`,
  either: (x) => `give either ${p(x, 'first')} or ${p(x, 'second')}`,
  not_empty: () => 'must not be empty',
  at_least_chars: (x) => `must be at least ${p(x, 'count')} characters`,
  at_most_chars: (x) => `must be at most ${p(x, 'count')} characters`,
  at_least_items: (x) => `must have at least ${p(x, 'count')} item${x.count === 1 ? '' : 's'}`,
  at_most_items: (x) => `must have at most ${p(x, 'count')} items`,
  at_least: (x) => `must be at least ${p(x, 'minimum')}`,
  at_most: (x) => `must be at most ${p(x, 'maximum')}`,
  format: () => 'invalid format',
  sid_format: (x) => `expected ${p(x, 'prefix')} followed by 32 hex digits, or a template`,
  numeric_id: () => 'expected a numeric ID, or a template',
  lowercase_name: () => 'expected lower-case letters, digits and _',
  format_example: (x) => `expected a value such as ${p(x, 'example')}`,
  email: () => 'expected an email address',
  http_url: () => 'expected an http(s) URL',
  https_unsubscribe: () => 'expected an https URL (RFC 8058 one-click unsubscribe)',
  header_name: () => 'invalid header name',
  body_or_form: () => 'use either body or form, not both',
  timeout_positive: () => 'must be more than 0s',
  timeout_max: () => 'must be at most 60s',
  signing_secret: () => 'expected whsec_ followed by base64 (a Standard Webhooks secret)',
  signing_secret_size: (x) => `expected a secret of 24 to 64 bytes, got ${p(x, 'bytes')}`,
  html_or_text: () => 'expected html or text',
  variant_content: () => 'expected at least one of subject, html, text',
  language_tag: () => 'expected a language tag such as fr or pt-BR',
  unsubscribe_required: () => 'required when marketing is true',
  unsubscribe_unused: () => 'only used with marketing: true',
  calendar_value: () => 'expected true, false or an object',
  ics_filename: () => 'expected a file name ending in .ics',
  one_field: () => 'at least one field required',
  one_step: () => 'at least one step required',
  step_id: () => 'expected 1-64 letters, digits, _, . or -',
  duplicate_step: (x) => `duplicate step id "${p(x, 'id')}"`,
  timezone: () => 'unknown IANA timezone',
  unknown_timezone: (x) => `unknown timezone "${p(x, 'zone')}"`,
  unknown_channel: (x) => `unknown channel "${p(x, 'channel')}" (available: ${p(x, 'known')})`,
  unknown_event: (x) => `unknown appointment event ${p(x, 'name')}${x.guess ? ` (did you mean ${p(x, 'guess')}?)` : ''}; known: ${p(x, 'known')}`,
  unknown_anchor: (x) => `unknown anchor "${p(x, 'anchor')}"`,
  not_used_with: (x) => `not used with ${p(x, 'op')}`,
  condition_field: (x) => `expected a path under ${p(x, 'roots')}`,
  condition_time: () => 'expected an ISO time, epoch milliseconds, "now" or "now-24h"',
  iso_time: () => 'expected an ISO time or appointment.start|end ± duration',
  until_value: () => 'expected an ISO time, appointment.start|end ± duration, or { anchor, before|after }',
  duration: (x) => `invalid duration "${p(x, 'text')}" (use 30s, 15m, 2h, 1d or ISO 8601)`,
  duration_too_long: (x) => `duration "${p(x, 'text')}" is longer than ${p(x, 'days')} days`,
  template: (x) => `template error: ${p(x, 'detail')}`,
  template_tag: (x) => `{% ${p(x, 'tag')} %} is not allowed`,
  template_too_long: (x) => `must be at most ${p(x, 'count')} characters`,
  secrets_only_in_credentials: () => 'secrets are only available in headers, url and credential fields',
  too_many_properties: (x) => `Klaviyo accepts at most ${p(x, 'count')} properties`,
  invalid_flow: (x) => `invalid flow: ${p(x, 'detail')}`,
  given_twice: () => 'given more than once',
  integer_range: (x) => `expected an integer from ${p(x, 'minimum')} to ${p(x, 'maximum')}`,
  true_or_false: () => 'expected true or false',
  iso_offset_time: () => 'expected an ISO 8601 time with Z or an offset, years 0000–9999, e.g. 2026-12-01T10:00:00Z',
  nul_character: () => 'must not contain %00 (NUL)',
  page_cursor: () => 'expected the next_cursor of a previous page',
  after_other: (x) => `must be later than ${p(x, 'other')}`,
  before_other: (x) => `must be before ${p(x, 'other')}`,
  period_too_long: (x) => `the period may be at most ${p(x, 'days')} days`,
  hourly_too_long: (x) => `hourly buckets cover at most ${p(x, 'days')} days; use interval=day`,
  not_both: (x) => `give ${p(x, 'first')} or ${p(x, 'second')}, not both`,
  unknown_step: (x) => `no step "${p(x, 'id')}" in this flow (${p(x, 'known')})`,
  not_send_step: (x) => `step "${p(x, 'id')}" is a ${p(x, 'kind')} step; only send steps can be previewed`,
  fixed_destination: (x) => `${p(x, 'channel')} steps send to the destination in their settings`,
  test_address: () => 'give the address to send the test email to',
  step_input: (x) => p(x, 'detail'),
  phone: () => 'expected a phone number such as +14155550123',
  key_chars: () => 'expected 1-100 letters, digits, _ . : -',
  contact_identity: () => 'needs external_id, email or phone to identify the contact',
  required_for: (x) => `required for ${p(x, 'event')}`,
  before_start: () => 'is before start_at',
  path_too_long: (x) => `a path has at most ${p(x, 'count')} characters`,
  path_start: () => 'a path starts with $ (the body), e.g. $.booking.id',
  path_too_deep: (x) => `a path has at most ${p(x, 'count')} steps`,
  path_syntax: (x) => `cannot read the path from "${p(x, 'text')}": use .name, ['name'] or [0]`,
  mapping_target: () => 'not an event field (name, contact.email, appointment.start_at, properties.<key>, …)',
  unmapped_value: (x) => `no value in the table for ${p(x, 'value')} and no default`,
  mapping_scalar: (x) => `expected text or a number, the path found ${ARTICLES[p(x, 'received')] ?? p(x, 'received')}`,
  no_mapping: (x) => `a ${p(x, 'kind')} source has no mapping`,
  no_credentials: (x) => `a ${p(x, 'kind')} source makes its own secret: no credentials`,
  credentials_required: (x) => `required: the new ${p(x, 'vendor')} credentials (or url: true for a new URL only)`,
  source_credentials_missing: (x) => `the source has no ${p(x, 'vendor')} credentials`,
  vendor_id: (x) => `expected ${p(x, 'vendor')}'s appointment id`,
  vendor_no_start: (x) => `the appointment ${p(x, 'vendor')} returned has no start time`,
  digits: () => 'expected digits only',
  yaml_syntax: (x) => `malformed YAML: ${p(x, 'detail')}`,
  event_count: (x) => `expected 1 to ${p(x, 'maximum')} events`,
  unknown_placeholder: (x) => `not a placeholder of ${p(x, 'preset')} (${p(x, 'known') || 'it has none'})`,
  country: () => 'expected an ISO 3166-1 alpha-2 country code, e.g. GB',
  wrong_password: () => 'this is not your current password',
  wrong_code: () => 'that code is wrong or was already used',
  invite_email: (x) => `this invite is for ${p(x, 'email')}`,
  six_digits: () => 'expected the 6-digit code from your authenticator app',
  secret_name: () => 'expected upper-case letters, digits and _, starting with a letter (e.g. KLAVIYO_PRIVATE_API_KEY)',
  rendered_https: (x) => `expected an https URL, got "${p(x, 'url')}"`,
  rendered_empty: () => 'rendered empty (is the workspace secret set?)',
  no_organizer: (x) => `no sender address in "${p(x, 'from')}" to use as the organizer`,
  no_attendee: (x) => `no attendee address (contact email or "${p(x, 'to')}")`,
  other: () => 'invalid input',
} satisfies Record<string, Message>;

/** A validation issue's code: one key of the web app's `errors.issue` catalog. */
export type IssueCode = keyof typeof MESSAGES;

/** Every code a validator may report (the catalogs must word each). */
export const ISSUE_CODES = Object.keys(MESSAGES) as readonly IssueCode[];

/** The English message of `code` with `params`. */
export function issueMessage(code: IssueCode, params: Params = {}): string {
  return (MESSAGES[code] as Message)(params);
}

/** A FieldIssue at `path` with its code, params and English message. */
export function issueAt(path: string, code: IssueCode, params?: Params): FieldIssue {
  return params ? { path, message: issueMessage(code, params), code, params } : { path, message: issueMessage(code), code };
}

/** What a check found wrong, before it has a path. */
export interface CodedProblem {
  code: IssueCode;
  params?: Params;
}

/** `problem` placed at `path`. */
export function problemAt(path: string, problem: CodedProblem): FieldIssue {
  return issueAt(path, problem.code, problem.params);
}

/** Whether `value` is one of the codes above (a zod custom issue names its code in `params.code`). */
export function isIssueCode(value: unknown): value is IssueCode {
  return typeof value === 'string' && Object.hasOwn(MESSAGES, value);
}

// Regular expressions whose failure means a coded problem, by their source (zod reports a failed
// `.regex()` with its pattern, but keeps no other data of ours).
const PATTERN_CODES = new Map<string, CodedProblem>();

/** Registers `pattern` so that a zod `.regex(pattern)` failure is reported with `code` and `params`. */
export function codedPattern(pattern: RegExp, code: IssueCode, params?: Params): RegExp {
  PATTERN_CODES.set(pattern.toString(), params ? { code, params } : { code });
  return pattern;
}

/** The coded problem registered for a failed pattern (zod's `pattern` text), if any. */
export function patternProblem(pattern: string | undefined): CodedProblem | undefined {
  return pattern === undefined ? undefined : PATTERN_CODES.get(pattern);
}

/** A zod custom issue for `problem` (its code travels in `params.code`, which check() and zodIssues read). */
export function codedIssue(problem: CodedProblem): { code: 'custom'; message: string; params: Params } {
  return { code: 'custom', message: issueMessage(problem.code, problem.params), params: { ...problem.params, code: problem.code } };
}
