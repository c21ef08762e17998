/**
 * The server's error codes and validation messages are worded in every language: each code the
 * server's source constructs an error with has a catalog entry, and the issues the flow validator
 * reports for a range of mistakes are all recognised (not left to the general "not valid").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinChannels } from '../../../src/channels/builtin';
import { createChannelRegistry } from '../../../src/channels/registry';
import { validateFlow } from '../../../src/core/flow-validation';
import { initI18n, setLanguage } from './index';
import { errorCodeText, isKnownIssue, issueText } from './server-messages';

const sources = import.meta.glob<string>(['../../../src/**/*.ts', '!../../../src/**/*.test.ts'], { query: '?raw', import: 'default', eager: true });
const catalogs = import.meta.glob<{ default: { code: Record<string, string> } }>('./locales/*/errors.json', { eager: true });

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

describe('validation issues', () => {
  const channels = createChannelRegistry(builtinChannels({ now: () => 0, endpoints: {} })).validators;
  const flows: unknown[] = [
    'not an object',
    { name: '', trigger: { event: [] }, steps: [] },
    { name: 'x', trigger: { appointment: { anchor: 'start', before: '1h', after: '1h' } }, steps: [{ wait: { duration: 'soon' } }] },
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
        { send: { channel: 'omnisend', api_key: 'k', event_name: '' } },
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

  it('recognises every issue the validator reports for them', () => {
    expect(issues.filter((issue) => !isKnownIssue(issue)).map((i) => `${i.path}: ${i.message}`)).toEqual([]);
  });

  it('words issues in Chinese, by code or by wording', async () => {
    await setLanguage('zh-CN');
    expect(issueText({ message: 'Too small', code: 'too_small', params: { origin: 'string', minimum: 1 } })).toBe('至少 1 个字符');
    expect(issueText({ message: 'expected boolean, got string', code: 'invalid_type', params: { expected: 'boolean', received: 'string' } })).toBe('应为true 或 false，实际为文本');
    expect(issueText({ message: 'duplicate step id "a"' })).toBe('已有其他步骤使用 ID a');
    await setLanguage('zh-TW');
    expect(issueText({ message: 'required', code: 'required' })).toBe('必填');
    expect(issueText({ message: 'something the catalog never heard of' })).toBe('此值無效');
  });
});
