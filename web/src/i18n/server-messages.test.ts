/**
 * The server's error codes and validation issues are worded in every language: each code the
 * server's source constructs an error with, and each issue code a validator can report, has a
 * catalog entry; the issues the flow validator reports for a range of mistakes all carry one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinChannels } from '../../../src/channels/builtin';
import { createChannelRegistry } from '../../../src/channels/registry';
import { validateFlow } from '../../../src/core/flow-validation';
import { ISSUE_CODES } from '../../../src/core/issue-codes';
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
    expect(issues.filter((issue) => !issue.code || issue.code === 'other').map((i) => `${i.path}: ${i.message}`)).toEqual([]);
    expect(issues.filter((issue) => !isKnownIssue(issue)).map((i) => `${i.path}: ${i.code}`)).toEqual([]);
  });

  it('meets most issue codes', () => {
    const met = new Set(issues.map((issue) => issue.code));
    // Codes these flows cannot meet: those of request bodies (events, workspace), and the validator's last resorts.
    const elsewhere = ['too_big', 'invalid_format', 'email', 'timezone', 'at_least_chars', 'at_most_items', 'at_least', 'at_most', 'format', 'template_too_long', 'invalid_flow', 'other'];
    expect(ISSUE_CODES.filter((code) => !met.has(code) && !elsewhere.includes(code))).toEqual([]);
  });

  it('words issues in Chinese, by code or by wording', async () => {
    await setLanguage('zh-CN');
    expect(issueText({ message: 'Too small', code: 'too_small', params: { origin: 'string', minimum: 1 } })).toBe('至少 1 个字符');
    expect(issueText({ message: 'expected boolean, got string', code: 'invalid_type', params: { expected: 'boolean', received: 'string' } })).toBe('应为true 或 false，实际为文本');
    expect(issueText({ message: 'duplicate step id "a"', code: 'duplicate_step', params: { id: 'a' } })).toBe('已有其他步骤使用 ID a');
    expect(issueText({ message: 'expected a string', code: 'expected_type', params: { type: 'string' } })).toBe('应为文本');
    // The English wording alone is no longer matched: an issue without a code is "not valid".
    expect(issueText({ message: 'duplicate step id "a"' })).toBe('此值无效');
    await setLanguage('zh-TW');
    expect(issueText({ message: 'required', code: 'required' })).toBe('必填');
    expect(issueText({ message: 'something the catalog never heard of' })).toBe('此值無效');
  });
});
