/** The Telegram channel (Bot API sendMessage) against a stand-in that checks the wire format. */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';
import { startTelegramStandIn, type TelegramStandIn } from '../stand-ins/telegram.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const STAFF_GROUP = -1001234567890;
const CUSTOMER_CHAT = 4242;

describe.each(testDialects())('telegram channel on %s', (dialect) => {
  let h: Harness;
  let tg: TelegramStandIn;

  beforeAll(async () => {
    tg = await startTelegramStandIn([
      { id: STAFF_GROUP, type: 'supergroup' },
      { id: CUSTOMER_CHAT, type: 'private' },
      { id: '@nudge_news', type: 'channel' },
    ]);
  });
  afterAll(async () => {
    await tg.close();
  });
  beforeEach(() => {
    tg.reset();
  });
  afterEach(async () => {
    await h?.close();
  });

  async function setup(send: Record<string, unknown> = {}, token = tg.botToken) {
    h = await createHarness(dialect, { NUDGE_CHANNEL_ENDPOINTS: `telegram=${tg.url}` });
    expect((await h.api('PUT', '/v1/secrets/TELEGRAM_BOT_TOKEN', { value: token })).status).toBe(200);
    const res = await h.api('POST', '/v1/flows?activate=true', {
      name: 'Telegram on booking',
      trigger: { event: 'appointment.created' },
      steps: [
        {
          id: 'notify',
          send: {
            channel: 'telegram',
            bot_token: '{{ secrets.TELEGRAM_BOT_TOKEN }}',
            chat_id: String(STAFF_GROUP),
            text: '<b>New booking</b>\n{{ contact.first_name }} – {{ event.service_name }}, {{ event.datetime }}',
            parse_mode: 'HTML',
            ...send,
          },
        },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  async function book(id: string, contact: Record<string, unknown> = {}) {
    const res = await h.api('POST', '/v1/events', appointmentEvent('appointment.created', id, iso(T0 + 5 * H), { contact }));
    expect([200, 202], JSON.stringify(res.body)).toContain(res.status);
  }

  async function onlySession() {
    const list = (await h.api('GET', '/v1/sessions')).body.data;
    expect(list).toHaveLength(1);
    return (await h.api('GET', `/v1/sessions/${list[0].id}`)).body.data;
  }

  it('posts JSON to /bot<token>/sendMessage with HTML-escaped data, and never logs the token', async () => {
    await setup({ disable_web_page_preview: true, disable_notification: true });
    await book('t1', { first_name: `<Ada & "Bob" O'Neil>` });
    await h.drain();
    expect(tg.rejected).toEqual([]);
    expect(tg.messages).toHaveLength(1);
    const m = tg.messages[0]!;
    expect(m.method).toBe('sendMessage');
    expect(m.headers['content-type']).toBe('application/json');
    expect(m.body).toEqual({
      chat_id: STAFF_GROUP,
      text: '<b>New booking</b>\n&lt;Ada &amp; &quot;Bob&quot; O&#39;Neil&gt; – Tattoo Removal, November 23, 2026 at 06:00 AM',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      disable_notification: true,
    });

    const s = await onlySession();
    expect(s.status).toBe('completed');
    const d = s.deliveries[0];
    expect(d).toMatchObject({ status: 'succeeded', channel: 'telegram' });
    expect(d.request.url).toBe(`${tg.url}/bot[redacted]/sendMessage`);
    expect(JSON.parse(d.request.body)).toEqual(m.body);
    expect(d.response.status).toBe(200);
    const reply = JSON.parse(d.response.body);
    expect(reply.ok).toBe(true);
    expect(reply.result).toMatchObject({
      message_id: m.messageId,
      chat: { id: STAFF_GROUP, type: 'supergroup' },
      text: `New booking\n<Ada & "Bob" O'Neil> – Tattoo Removal, November 23, 2026 at 06:00 AM`,
    });
    expect(JSON.stringify(s)).not.toContain(tg.botToken);
    expect(JSON.stringify(s)).not.toContain(tg.botToken.split(':')[1]);
  });

  it('sends plain text to a chat id from the contact, or to @channel; a contact without one skips the step', async () => {
    await setup({ chat_id: '{{ contact.attributes.telegram_chat_id }}', parse_mode: undefined, text: 'Hi {{ contact.first_name }} <3' });
    await book('t2', { attributes: { telegram_chat_id: CUSTOMER_CHAT } });
    await book('t3');
    await h.drain();
    expect(tg.messages.map((m) => m.body)).toEqual([{ chat_id: CUSTOMER_CHAT, text: 'Hi Ada <3' }]);
    expect((await h.api('GET', '/v1/sessions?status=failed')).body.data).toEqual([]);
    const skipped = (await h.api('GET', '/v1/deliveries?status=skipped')).body.data;
    expect(skipped.map((d: { error: string }) => d.error)).toEqual(['no recipient']);
    await h.close();

    await setup({ chat_id: '@nudge_news' });
    await book('t4');
    await h.drain();
    expect(tg.messages.map((m) => m.body.chat_id)).toEqual([CUSTOMER_CHAT, '@nudge_news']);
  });

  it('fails the step, calling nothing, when the bot token secret is not a bot token (a setup error, not a missing recipient)', async () => {
    await setup({}, 'not-a-bot-token');
    await book('t9');
    await h.drain();
    expect(tg.messages).toEqual([]);
    const session = await onlySession();
    expect(session.status).toBe('failed');
    const [delivery] = (await h.api('GET', '/v1/deliveries')).body.data;
    expect(delivery).toMatchObject({ status: 'failed', error: expect.stringContaining('bot_token is not a Telegram bot token') });
    expect(JSON.stringify(session)).not.toContain('not-a-bot-token');
  });

  it('retries 429 after parameters.retry_after and 5xx with backoff', async () => {
    await setup();
    tg.failNext(
      { error_code: 429, description: 'Too Many Requests: retry after 7', retry_after: 7 },
      { error_code: 502, description: 'Bad Gateway' },
    );
    await book('t5');
    await h.drain();
    h.clock.set(T0 + 6_999);
    await h.drain();
    expect(tg.messages).toHaveLength(0);
    h.clock.set(T0 + 7_000);
    await h.drain();
    expect(tg.messages).toHaveLength(0);
    // Attempt 2 got 502: the cap is 120 s (NUDGE_RETRY_BASE_MS 60 s doubled), 90 s with random 0.5.
    h.clock.set(T0 + 7_000 + 89_999);
    await h.drain();
    expect(tg.messages).toHaveLength(0);
    h.clock.set(T0 + 7_000 + 90_000);
    await h.drain();
    expect(tg.messages).toHaveLength(1);
    const s = await onlySession();
    expect(s.deliveries.map((d: { status: string; error: string | null }) => `${d.status}: ${d.error}`)).toEqual([
      'retrying: HTTP 429: Telegram: Too Many Requests: retry after 7',
      'retrying: HTTP 502: Telegram: Bad Gateway',
      'succeeded: null',
    ]);
  });

  it('gives up on permanent errors: blocked bot, migrated group, ok:false in a 200, a wrong token', async () => {
    await setup();
    tg.failNext(
      { error_code: 403, description: 'Forbidden: bot was blocked by the user' },
      { error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', migrate_to_chat_id: -1009999999999 },
      { error_code: 400, description: 'Bad Request: message text is empty', httpStatus: 200 },
    );
    for (const id of ['t6', 't7', 't8']) {
      await book(id);
      await h.drain();
      h.clock.advance(1000);
    }
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed.map((s: { end_reason: string }) => s.end_reason).sort()).toEqual([
      'send notify failed: HTTP 200: Telegram: Bad Request: message text is empty (permanent error)',
      'send notify failed: HTTP 400: Telegram: Bad Request: group chat was upgraded to a supergroup chat (the group is now chat -1009999999999: update chat_id) (permanent error)',
      'send notify failed: HTTP 403: Telegram: Forbidden: bot was blocked by the user (permanent error)',
    ]);
    await h.close();

    const wrong = `${tg.botToken.split(':')[0]}:AAwrongwrongwrongwrongwrongwrong`;
    await setup({}, wrong);
    await book('t9');
    await h.drain();
    const s = await onlySession();
    expect(s.end_reason).toBe('send notify failed: HTTP 401: Telegram: Unauthorized (permanent error)');
    expect(tg.rejected).toEqual([{ status: 401, description: 'Unauthorized' }]);
    expect(s.deliveries[0].request.url).toBe(`${tg.url}/bot[redacted]/sendMessage`);
    expect(JSON.stringify(s)).not.toContain(wrong);
  });

  it('spaces messages to one chat: 1 per second and 20 per minute, dropping none', async () => {
    await setup({ parse_mode: undefined, text: 'Booking {{ appointment.id }}' });
    for (let i = 0; i < 21; i++) await book(`r${i}`);
    await h.drain();
    expect(tg.messages).toHaveLength(1);
    h.clock.set(T0 + 999);
    await h.drain();
    expect(tg.messages).toHaveLength(1);
    for (let i = 1; i <= 20; i++) {
      h.clock.set(T0 + i * 1000);
      await h.drain();
    }
    // 20 in the first minute; the 21st waits until the first leaves the window.
    expect(tg.messages).toHaveLength(20);
    h.clock.set(T0 + 59_999);
    await h.drain();
    expect(tg.messages).toHaveLength(20);
    h.clock.set(T0 + 60_000);
    await h.drain();
    expect(tg.messages).toHaveLength(21);
    expect(new Set(tg.messages.map((m) => m.body.text)).size).toBe(21);
    expect((await h.api('GET', '/v1/sessions?status=completed&limit=100')).body.data).toHaveLength(21);
  });

  it('keeps a token written into the flow (not a secret) out of previews and delivery logs', async () => {
    h = await createHarness(dialect, { NUDGE_CHANNEL_ENDPOINTS: `telegram=${tg.url}` });
    const flow = await h.api('POST', '/v1/flows?activate=true', {
      name: 'inline token',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'notify', send: { channel: 'telegram', bot_token: tg.botToken, chat_id: CUSTOMER_CHAT, text: 'Hi {{ contact.first_name }}' } }],
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    const preview = await h.api('POST', `/v1/flows/${flow.body.data.id}/preview`, { step_id: 'notify' });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.data.request).toEqual({ body: { chat_id: CUSTOMER_CHAT, text: 'Hi Ada' } });
    expect(JSON.stringify(preview.body)).not.toContain(tg.botToken);

    await book('t10');
    await h.drain();
    expect(tg.messages.map((m) => m.body)).toEqual([{ chat_id: CUSTOMER_CHAT, text: 'Hi Ada' }]);
    const s = await onlySession();
    expect(s.deliveries[0].request.url).toBe(`${tg.url}/bot[redacted]/sendMessage`);
    expect(JSON.stringify(s)).not.toContain(tg.botToken.split(':')[1]);
  });

  it('validates telegram settings with paths', async () => {
    h = await createHarness(dialect);
    const res = await h.api('POST', '/v1/flows/validate', {
      name: 'bad',
      trigger: { event: 'x' },
      steps: [
        { send: { channel: 'telegram', bot_token: 'not-a-token', chat_id: true, parse_mode: 'html' } },
        { send: { channel: 'telegram', bot_token: '{{ secrets.TELEGRAM_BOT_TOKEN }}', chat_id: 1.5, text: 'x', disable_web_page_preview: 'yes' } },
      ],
    });
    expect(res.body.data.errors).toEqual([
      {
        path: 'steps[0].send.bot_token',
        message: 'expected a bot token such as 123456:ABC-DEF…, or a template',
        code: 'format_example',
        params: { example: '123456:ABC-DEF…' },
      },
      expect.objectContaining({ path: 'steps[0].send.chat_id' }),
      { path: 'steps[0].send.text', message: 'required', code: 'required' },
      { path: 'steps[0].send.parse_mode', message: 'expected one of: HTML, MarkdownV2, Markdown', code: 'invalid_value', params: { values: 'HTML, MarkdownV2, Markdown' } },
      expect.objectContaining({ path: 'steps[1].send.chat_id' }),
      { path: 'steps[1].send.disable_web_page_preview', message: 'expected boolean, got string', code: 'invalid_type', params: { expected: 'boolean', received: 'string' } },
    ]);
  });

  it('accepts the example flow in docs/channels/telegram.md', async () => {
    h = await createHarness(dialect);
    const markdown = await readFile(new URL('../../docs/channels/telegram.md', import.meta.url), 'utf8');
    const examples = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as Record<string, unknown>);
    expect(examples).toHaveLength(1);
    const res = await h.api('POST', '/v1/flows/validate', examples[0]);
    expect(res.status).toBe(200);
    expect(res.body.data.errors).toEqual([]);
  });
});
