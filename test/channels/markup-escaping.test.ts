/**
 * Customer data in a channel's markup: every `{{ }}` output is escaped for the field it lands in
 * (Slack mrkdwn, Telegram MarkdownV2 / Markdown / HTML), while the template's literal text stays the
 * flow author's markup. The stand-ins read the markup as the services do: Slack's control
 * sequences (a mention, a link) and Telegram's parse errors (a 400 that loses the message).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { builtinChannels } from '../../src/channels/builtin.js';
import type { ChannelModule } from '../../src/channels/channel.js';
import { createOutboundGuard, withOutboundGuard } from '../../src/channels/http/outbound-guard.js';
import { createRenderer } from '../../src/engine/send-steps.js';
import { startSlackStandIn, type SlackStandIn } from '../stand-ins/slack.js';
import { startTelegramStandIn, type TelegramStandIn } from '../stand-ins/telegram.js';

const CHAT = 4242;
const guard = createOutboundGuard({ allow: ['127.0.0.1'] });
let slack: SlackStandIn;
let telegram: TelegramStandIn;
let modules: Record<string, ChannelModule>;

beforeAll(async () => {
  slack = await startSlackStandIn();
  telegram = await startTelegramStandIn([{ id: CHAT, type: 'private' }]);
  const channels = builtinChannels({ now: Date.now, endpoints: { telegram: telegram.url } });
  modules = Object.fromEntries(channels.map((m) => [m.manifest.id, withOutboundGuard(m, guard)]));
});
afterAll(async () => {
  await Promise.all([slack.close(), telegram.close(), guard.close()]);
});
beforeEach(() => {
  slack.reset();
  telegram.reset();
});

let sent = 0;
async function send(channel: string, settings: Record<string, unknown>, data: Record<string, unknown>) {
  const module = modules[channel]!;
  const input = await module.render(module.settings.parse(settings), createRenderer(data, 'steps[0].send'));
  sent += 1;
  return module.send({ idempotencyKey: `ss_${sent}.s.1`, workspaceId: 'ws_1', sessionId: `ss_${sent}` }, input);
}

describe('slack', () => {
  const hostile = { contact: { name: '<!channel>' }, event: { service_name: '<https://evil.example|Click to pay> & more' } };

  it('shows a customer named <!channel> instead of notifying the channel, and plants no link, in text and mrkdwn blocks', async () => {
    await send(
      'slack',
      {
        webhook_url: slack.webhookUrl(),
        text: '*New booking* <!here>: {{ contact.name }} for {{ event.service_name }}',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: '*{{ contact.name }}*' }, fields: [{ type: 'mrkdwn', text: '{{ event.service_name }}' }] },
          { type: 'header', text: { type: 'plain_text', text: '{{ contact.name }}' } },
        ],
      },
      hostile,
    );
    expect(slack.rejected).toEqual([]);
    const m = slack.messages[0]!;
    // The author's own <!here> is kept; nothing from the booking became a control sequence.
    expect(m.controls).toEqual(['<!here>']);
    expect(m.shown).toBe('*New booking* @here: <!channel> for <https://evil.example|Click to pay> & more');
    expect(m.body.text).toBe('*New booking* <!here>: &lt;!channel&gt; for &lt;https://evil.example|Click to pay&gt; &amp; more');
    expect(m.body.blocks).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*&lt;!channel&gt;*' },
        fields: [{ type: 'mrkdwn', text: '&lt;https://evil.example|Click to pay&gt; &amp; more' }],
      },
      // plain_text is not parsed by Slack: sent as the value itself.
      { type: 'header', text: { type: 'plain_text', text: '<!channel>' } },
    ]);
  });

  it('sends a value as mrkdwn when the author asks for it with | raw', async () => {
    await send('slack', { webhook_url: slack.webhookUrl(), text: 'Manage: {{ event.link | raw }}' }, { event: { link: '<https://example.com/m/1|here>' } });
    expect(slack.messages[0]!.controls).toEqual(['<https://example.com/m/1|here>']);
  });
});

describe('telegram', () => {
  const names = { contact: { first_name: 'Mary-Jane', last_name: 'St. John (1)' }, event: { service_name: 'Cut_and_*dry* [VIP] #1 {x} = 100% + tip! ~ok | `\\`' } };
  const text = (template: string, parse_mode?: string) => ({ bot_token: telegram.botToken, chat_id: CHAT, text: template, ...(parse_mode ? { parse_mode } : {}) });
  const shown = 'Mary-Jane St. John (1): Cut_and_*dry* [VIP] #1 {x} = 100% + tip! ~ok | `\\`';

  it.each(['MarkdownV2', 'Markdown', 'HTML'])('escapes values for %s so Telegram accepts the message and shows them as written', async (mode) => {
    const bold = mode === 'HTML' ? ['<b>', '</b>'] : ['*', '*'];
    await send('telegram', text(`${bold[0]}Booking${bold[1]}: {{ contact.first_name }} {{ contact.last_name }}: {{ event.service_name }}`, mode), names);
    expect(telegram.rejected).toEqual([]);
    expect(telegram.messages[0]!.text).toBe(`Booking: ${shown}`);
  });

  it('sends the exact MarkdownV2 escapes Telegram documents', async () => {
    await send('telegram', text('_{{ contact.first_name }}_ {{ contact.last_name }}', 'MarkdownV2'), names);
    expect(telegram.messages[0]!.body.text).toBe('_Mary\\-Jane_ St\\. John \\(1\\)');
  });

  it('leaves plain text (no parse_mode) as it is', async () => {
    await send('telegram', text('{{ contact.first_name }} {{ contact.last_name }}'), names);
    expect(telegram.messages[0]!.body.text).toBe('Mary-Jane St. John (1)');
  });
});
