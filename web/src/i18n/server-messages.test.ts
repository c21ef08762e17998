/**
 * The server's error codes and validation issues are worded in every language: each code the
 * server's source constructs an error with, and each issue code a validator can report, has a
 * catalog entry; the issues the flow validator, the query parameters, the flow trials' inputs and
 * the sources' mappings, credentials and decisions report for a range of mistakes all carry one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinChannels } from '../../../src/channels/builtin';
import { createChannelRegistry } from '../../../src/channels/registry';
import { validateFlow } from '../../../src/core/flow-validation';
import { ISSUE_CODES } from '../../../src/core/issue-codes';
import type { FieldIssue } from '../../../src/core/errors';
import { ValidationError } from '../../../src/core/errors';
import { applyMapping, type Mapping } from '../../../src/core/sources/generic-mapping';
import type { SourceDecision } from '../../../src/core/sources/source-decision';
import { checkPeriod } from '../../../src/core/time-buckets';
import { trialInputIssues } from '../../../src/core/trial-input';
import { signInSchema } from '../../../src/core/account-input';
import { secretNameSchema } from '../../../src/core/secret-input';
import { workspaceChangesSchema } from '../../../src/core/workspace-input';
import { zodIssues } from '../../../src/core/zod-issues';
import { parseEventInput } from '../../../src/engine/event-input';
import { booleanParam, enumParam, integerParam, isoTimeParam, parseQuery, searchParam, textParam } from '../../../src/server/query-params';
import { vendorOf } from '../../../src/sources/registry';
import type { VendorContext } from '../../../src/sources/vendor';
import { initI18n, setLanguage } from './index';
import { errorCodeText, isKnownIssue, issueText } from './server-messages';

const sources = import.meta.glob<string>(['../../../src/**/*.ts', '!../../../src/**/*.test.ts'], { query: '?raw', import: 'default', eager: true });
const catalogs = import.meta.glob<{ default: { code: Record<string, string>; issue: Record<string, string> } }>('./locales/*/errors.json', { eager: true });

/** Codes the server builds errors with: `new XError('code', …)`, AuthError's code argument, and literal bodies. */
function serverCodes(): string[] {
  const codes = new Set(['unauthorized', 'forbidden', 'not_found']);
  for (const text of Object.values(sources)) {
    for (const m of text.matchAll(/new (?:Validation|Conflict|Nudge|Forbidden)Error\(\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/new AuthError\([^;]*?,\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/error: \{ code: '([a-z_]+)'/g)) codes.add(m[1]!);
  }
  return [...codes].sort();
}

beforeAll(async () => {
  await initI18n('en');
});
afterAll(async () => {
  await setLanguage('en');
});

describe('server error codes', () => {
  it('finds the codes in the server source', () => {
    expect(serverCodes()).toEqual(expect.arrayContaining(['invalid_flow', 'flow_name_taken', 'invalid_credentials', 'database_unavailable', 'internal_error']));
  });

  it.each(['en', 'zh-CN', 'zh-TW'])('%s words every code the server emits', (language) => {
    const { code } = catalogs[`./locales/${language}/errors.json`]!.default;
    expect(serverCodes().filter((c) => !(typeof code[c] === 'string' && code[c].trim() !== ''))).toEqual([]);
  });

  it('words an unknown code by its HTTP status', async () => {
    await setLanguage('zh-CN');
    expect(errorCodeText('flow_name_taken', 409)).toBe('已有其他流程使用此名称。');
    expect(errorCodeText('some_new_code', 404)).toBe('找不到该内容。');
    expect(errorCodeText('some_new_code', 502)).toBe('服务器出错了。');
  });
});

/** Issue codes named in the source outside issue-codes.ts: a zod refinement's `params: { code: '…' }`, codedPattern and issueAt calls. */
function sourceIssueCodes(): string[] {
  const codes = new Set<string>();
  for (const text of Object.values(sources)) {
    for (const m of text.matchAll(/params: \{ (?:\.\.\.[\w.]+, )?code: '([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/(?:codedPattern\(\/.*?\/|issueAt\((?:[^(),]|\([^()]*\))+), '([a-z_]+)'/g)) codes.add(m[1]!);
  }
  return [...codes].sort();
}

describe('issue codes', () => {
  it('finds the codes the source names', () => {
    expect(sourceIssueCodes()).toEqual(expect.arrayContaining(['step_id', 'format_example', 'not_empty', 'duplicate_step', 'sid_format', 'too_many_properties']));
  });

  it('knows every code the source names', () => {
    expect(sourceIssueCodes().filter((code) => !(ISSUE_CODES as readonly string[]).includes(code))).toEqual([]);
  });

  it.each(['en', 'zh-CN', 'zh-TW'])('%s words every issue code a validator can report', (language) => {
    const { issue } = catalogs[`./locales/${language}/errors.json`]!.default;
    expect(ISSUE_CODES.filter((c) => !(typeof issue[c] === 'string' && issue[c].trim() !== ''))).toEqual([]);
  });
});

/** The issues `run` throws in a ValidationError (none when it does not throw). */
function thrownIssues(run: () => unknown): FieldIssue[] {
  try {
    run();
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.details ?? [];
    throw error;
  }
}

/** Every code the validators below were seen to report. */
const met = new Set<string>();

/** Issues that have no code, or a code the catalog does not word: both lists should be empty. */
function uncoded(issues: FieldIssue[]): { withoutCode: string[]; unworded: string[] } {
  for (const issue of issues) if (issue.code) met.add(issue.code);
  return {
    withoutCode: issues.filter((issue) => !issue.code || issue.code === 'other').map((i) => `${i.path}: ${i.message}`),
    unworded: issues.filter((issue) => !isKnownIssue(issue)).map((i) => `${i.path}: ${i.code}`),
  };
}

describe('query parameter issues', () => {
  const params = {
    q: searchParam('q'),
    email: textParam('email'),
    status: enumParam(['active', 'waiting'], 'status'),
    limit: integerParam(1, 200, 'limit'),
    from: isoTimeParam('from'),
    activate: booleanParam('activate'),
  };
  const queries: Array<Record<string, string[]>> = [
    { q: ['x'.repeat(201)], email: ['a'.repeat(1001)], status: ['paused'], limit: ['0'], from: ['yesterday'], activate: ['yes'] },
    { limit: ['1', '2'], status: ['active', 'waiting'] },
    { limit: ['1e2'], from: ['2026-12-01'] },
  ];
  const issues = [
    ...queries.flatMap((query) => thrownIssues(() => parseQuery(params, (name) => query[name]))),
    ...[checkPeriod(2, 1, 'day'), checkPeriod(0, 400 * 86_400_000, 'day'), checkPeriod(0, 40 * 86_400_000, 'hour')].filter((i) => i !== null),
  ];

  it('meets every kind of bad parameter', () => {
    expect(new Set(issues.map((i) => i.path))).toEqual(new Set(['q', 'email', 'status', 'limit', 'from', 'activate', 'to', 'interval']));
    expect(issues.length).toBeGreaterThanOrEqual(12);
  });

  it('gives each a code the catalog words', () => {
    expect(uncoded(issues)).toEqual({ withoutCode: [], unworded: [] });
  });
});

describe('flow trial issues', () => {
  const bodies: Array<['preview' | 'test' | 'dry-run', Record<string, unknown>]> = [
    ['preview', { event: {}, event_id: 'ev_1', extra: 1 }],
    ['test', { step_id: 3, to: ['a@example.com'], url: 5 }],
    ['dry-run', { now: 'tomorrow', event_id: 7, definition: {} }],
    ['dry-run', { now: '2026-12-01T10:00:00' }],
  ];
  const events: unknown[] = [
    { name: 'appointment.created', contact: { phone: 'call me', language: 'English', timezone: 'Mars/Olympus' } },
    { name: 'bad name!', contact: { email: 'not an email', external_id: '' }, appointment: { start_at: '2026-12-01T10:00:00Z', end_at: '2026-12-01T09:00:00Z', service_duration: -1 } },
    { name: 'appointment.rescheduled', contact: { external_id: 'c' }, appointment: { id: 'a' }, extra: true },
    { name: 'appointment.canceled', contact: { external_id: 'c' } },
    { name: 'order.paid', contact: {} },
    { name: 'appointment.created', contact: { external_id: 'c' }, appointment: { id: 'a' } },
    { name: 'appointment.created', contact: { external_id: 'c' }, appointment: { id: 'a', start_at: '2026-12-01T10:00:00Z', end_at: '2026-12-01T09:00:00Z' } },
  ];
  const issues = [
    ...bodies.flatMap(([kind, body]) => trialInputIssues(kind, body)),
    ...events.flatMap((event) => thrownIssues(() => parseEventInput(event, ['event']))),
  ];

  it('meets many kinds of mistake', () => {
    const met = new Set(issues.map((i) => i.code));
    for (const code of ['unknown_field', 'expected_type', 'required', 'not_both', 'iso_offset_time', 'phone', 'language_tag', 'timezone', 'key_chars', 'contact_identity', 'required_for', 'before_start']) {
      expect(met, code).toContain(code);
    }
  });

  it('gives each a code the catalog words', () => {
    expect(uncoded(issues)).toEqual({ withoutCode: [], unworded: [] });
  });
});

describe('source issues', () => {
  const context: VendorContext<unknown> = { headers: {}, credentials: null, getJson: () => Promise.resolve({}), endpoint: (_name, fallback) => fallback };
  const configs: unknown[] = [
    { mapping: {} },
    { verification: { scheme: 'hmac', header: 'Bad Header!' }, mapping: { name: '$.type', 'contact.emial': '$.email', 'contact.phone': 'x'.repeat(1001) } },
    { mapping: { name: 'booking', 'contact.email': '$.email[', 'contact.name': { path: 'booking.name' }, 'appointment.id': { path: '$' + '.a'.repeat(40) }, 'appointment.start_at': { path: '$.a', map: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 'v'])) } } },
    { mapping: Object.fromEntries([['name', 'x'], ...Array.from({ length: 64 }, (_, i) => [`properties.p${i}`, `$.p${i}`])]) },
    { mapping: { name: '$.type', 'contact.email': { path: '$.' + 'x'.repeat(300) } } },
    { mapping: { name: '$.type' }, mappings: {} },
  ];
  const configIssues = configs.flatMap((config) => {
    const parsed = vendorOf('generic').configSchema.safeParse(config);
    return parsed.success ? [] : zodIssues(parsed.error, ['config']);
  });
  const mapping: Mapping = { name: { path: '$.type', map: { booked: 'appointment.created' }, default: 'appointment.created' }, 'contact.email': '$.who', 'appointment.id': { path: '$.id', map: { a: 'b' } } };
  const decisions: Array<[string, unknown, unknown?]> = [
    ['calcom', { triggerEvent: 'BOOKING_CREATED', payload: {} }],
    ['calendly', { event: 'invitee.created', payload: {} }],
    ['square', { type: 'booking.created', data: { object: { booking: {} } } }],
    ['square', { type: 'booking.created', data: { object: { booking: { id: 'b' } } } }],
    ['acuity', { action: 'scheduled', id: 'abc' }],
    ['acuity', { action: 'scheduled', id: '12' }],
    ['acuity', { action: 'scheduled', id: '12' }, { user_id: '1', api_key: 'k' }],
  ];

  it('meets many kinds of mistake', async () => {
    const issues = await allIssues();
    const met = new Set(issues.map((i) => i.code));
    for (const code of ['required', 'unknown_field', 'mapping_target', 'header_name', 'path_syntax', 'path_start', 'path_too_deep', 'path_too_long', 'at_most_items', 'too_big', 'unmapped_value', 'mapping_scalar', 'vendor_id', 'source_credentials_missing', 'vendor_no_start', 'digits']) {
      expect(met, code).toContain(code);
    }
  });

  it('gives each a code the catalog words', async () => {
    expect(uncoded(await allIssues())).toEqual({ withoutCode: [], unworded: [] });
  });

  async function allIssues(): Promise<FieldIssue[]> {
    const credentials = vendorOf('acuity').credentials!.schema.safeParse({ user_id: 'me', api_key: '' });
    const decided: SourceDecision[] = [
      applyMapping(mapping, { type: 'booked', who: { email: 'a@example.com' }, id: 'z' }),
      ...(await Promise.all(decisions.map(([kind, body, credentials]) => vendorOf(kind).decide(body, {}, { ...context, credentials: credentials ?? null })))),
    ];
    return [
      ...configIssues,
      ...(credentials.success ? [] : zodIssues(credentials.error, ['credentials'])),
      ...decided.flatMap((decision) => (decision.outcome === 'invalid' ? decision.issues : [])),
    ];
  }
});

describe('validation issues', () => {
  const channels = createChannelRegistry(builtinChannels({ now: () => 0, endpoints: {} })).validators;
  const flows: unknown[] = [
    'not an object',
    { name: '', trigger: { event: [] }, steps: [] },
    { name: 'x', trigger: { appointment: { anchor: 'start', before: '1h', after: '1h' } }, steps: [{ wait: { duration: 'soon' } }] },
    { name: 'x', trigger: { event: 'a' }, steps: [{ id: 'a', exit: {} }, { id: 'a', exit: {} }] },
    { name: 'x', trigger: { event: ['appointment.cancelled', 3], conditions: [{ field: 'x.y', op: 'exists' }, { field: 'event.t', op: 'before', value: 'soon' }, { field: 'event.n', op: 'equals', value: {} }, { field: 'event.a', op: 'in', value: 'x' }, { field: 'event.b', op: 'gt', value: 'x' }] }, steps: [] },
    {
      name: 'x',
      session: { reentry: 'sometimes' },
      trigger: { event: 'a', conditions: [{ field: 'contact.email', op: 'exists', value: 1 }] },
      steps: [
        { id: 'a', wait: { until: 'tomorrow' } },
        { id: 'a', webhook: { url: 'ftp://x', headers: { 'bad header': 'x' }, body: {}, form: {}, timeout: '2m' } },
        { id: 'bad id!', email: { to: '{{ contact.email', subject: 's', marketing: true } },
        { email: { to: 'a@b.c', subject: 's', text: 't', unsubscribe_url: 'http://x', variants: { 'not a tag': {}, fr: {} }, calendar: 3 } },
        { update_contact: {} },
        { update_contact: { timezone: 'Mars/Olympus' } },
        { send: { channel: 'pigeon' } },
        { send: { channel: 'slack', webhook_url: 'x', txt: 'typo' } },
        { send: { channel: 'telegram', bot_token: '{{ secrets.T }}', chat_id: 'x', text: 'x', parse_mode: 'BBCode', disable_notification: 'yes' } },
        { send: { channel: 'omnisend', api_key: 'k', event_name: '', version: 'soon' } },
        { send: { channel: 'sms', account_sid: 'x', auth_token: 'y', to: 'x', body: 'b' } },
        { send: { channel: 'whatsapp', access_token: 'x', phone_number_id: 'abc', template: 'X', language: 'x y', api_version: 'x', components: [], parameters: {} } },
        { email: { to: '{% include "x" %}', subject: '{{ secrets.X }}', text: 't', calendar: { filename: 'x.txt' } } },
        { webhook: { url: 'https://x', signing_secret: 'whsec_AAAAAAAAAAA=', timeout: '0s', body: { n: Infinity, f: () => 1 } } },
        { webhook: { url: 'https://x', signing_secret: 'whsec_abc' } },
        { wait: { until: 5 } },
        { send: { channel: 'klaviyo', api_key: 'k', metric: 'm'.repeat(200), properties: Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`p${i}`, 'x'])), revision: 'x' } },
        { wait: { until: 'appointment.middle' } },
        { wait: { until: { anchor: 'x', before: '9999d' } } },
        { wait: {}, exit: {} },
        { exit: { reason: 5 } },
      ],
    },
  ];
  const issues = flows.flatMap((flow) => {
    const result = validateFlow(flow, { channels });
    return result.ok ? [] : result.errors;
  });

  it('meets many kinds of mistake', () => {
    expect(issues.length).toBeGreaterThan(25);
  });

  it('gives every issue the validator reports for them a code of its own', () => {
    expect(uncoded(issues)).toEqual({ withoutCode: [], unworded: [] });
  });


  it('words issues in Chinese, by code or by wording', async () => {
    await setLanguage('zh-CN');
    expect(issueText({ message: 'Too small', code: 'too_small', params: { origin: 'string', minimum: 1 } })).toBe('至少 1 个字符');
    expect(issueText({ message: 'expected boolean, got string', code: 'invalid_type', params: { expected: 'boolean', received: 'string' } })).toBe('应为true 或 false，实际为文本');
    expect(issueText({ message: 'duplicate step id "a"', code: 'duplicate_step', params: { id: 'a' } })).toBe('已有其他步骤使用 ID a');
    expect(issueText({ message: 'expected a string', code: 'expected_type', params: { type: 'string' } })).toBe('应为文本');
    expect(issueText({ message: 'expected string | number, got object', code: 'invalid_type', params: { expected: 'string | number', received: 'object' } })).toBe('应为文本或数字，实际为对象');
    expect(issueText({ message: 'expected text or a number, the path found an array', code: 'mapping_scalar', params: { received: 'array' } })).toBe('应为文本或数字，但路径找到的是列表');
    expect(issueText({ message: 'expected an integer from 1 to 200', code: 'integer_range', params: { minimum: 1, maximum: 200 } })).toBe('应为 1 到 200 之间的整数');
    // The English wording alone is no longer matched: an issue without a code is "not valid".
    expect(issueText({ message: 'duplicate step id "a"' })).toBe('此值无效');
    await setLanguage('zh-TW');
    expect(issueText({ message: 'required', code: 'required' })).toBe('必填');
    expect(issueText({ message: 'something the catalog never heard of' })).toBe('此值無效');
  });
});

describe('settings and account issues', () => {
  const issues = [
    workspaceChangesSchema.safeParse({ name: '', timezone: 'Mars/Olympus', sender_email: 'nobody', country: 'GBR', plan: 'huge', retention_events_days: 0, color: 'red' }),
    signInSchema.safeParse({ email: 'a@example.com', password: 'x', code: '12345' }),
    secretNameSchema.safeParse('klaviyo key'),
  ].flatMap((result) => (result.success ? [] : zodIssues(result.error)));

  it('meets many kinds of mistake', () => {
    const met = new Set(issues.map((i) => i.code));
    for (const code of ['too_small', 'timezone', 'email', 'country', 'invalid_value', 'unknown_field', 'six_digits', 'secret_name']) expect(met, code).toContain(code);
  });

  it('gives each a code the catalog words', () => {
    expect(uncoded(issues)).toEqual({ withoutCode: [], unworded: [] });
  });
});

describe('issue codes met', () => {
  it('meets most issue codes in the mistakes above', () => {
    // Codes these inputs cannot meet: those found only with a request, a store or a channel (a URL,
    // a flow's steps, a source's kind, a preset, an account, a rendered setting), and the last resorts.
    const elsewhere = [
      ...['invalid_format', 'email', 'at_least_chars', 'at_least', 'at_most', 'format', 'template_too_long', 'invalid_flow', 'other'],
      ...['nul_character', 'page_cursor', 'after_other', 'unknown_step', 'not_send_step', 'fixed_destination', 'test_address', 'step_input', 'no_mapping', 'no_credentials', 'credentials_required'],
      ...['yaml_syntax', 'event_count', 'unknown_placeholder', 'wrong_password', 'wrong_code', 'invite_email', 'rendered_empty', 'rendered_https', 'no_organizer', 'no_attendee'],
    ];
    expect(ISSUE_CODES.filter((code) => !met.has(code) && !elsewhere.includes(code))).toEqual([]);
  });
});
