/**
 * The channel modules Nudge ships for `send: { channel: … }` steps. Adding a channel is adding
 * its folder and one line here. Webhook and email, the two with step kinds of their own, are
 * modules of the same kind; the engine builds them beside these (engine.ts) because email needs
 * the SMTP settings and the outbox, and this list stays free of nodemailer for the web app's
 * tests that read the channels' schemas.
 */
import type { ChannelModule } from './channel.js';
import { createSlackChannel } from './slack/slack-channel.js';
import { createKlaviyoChannel } from './klaviyo/klaviyo-channel.js';
import { createOmnisendChannel } from './omnisend/omnisend-channel.js';
import { createSmsChannel } from './sms/sms-channel.js';
import { createWhatsAppChannel } from './whatsapp/whatsapp-channel.js';
import { createTelegramChannel } from './telegram/telegram-channel.js';

export interface BuiltinChannelOptions {
  now: () => number;
  /** Base URL overrides by channel id (NUDGE_CHANNEL_ENDPOINTS); a channel uses its service's own otherwise. */
  endpoints: Readonly<Record<string, string>>;
}

export function builtinChannels(options: BuiltinChannelOptions): ChannelModule[] {
  return [createSlackChannel(options), createKlaviyoChannel(options), createOmnisendChannel(options),
    createSmsChannel(options), createWhatsAppChannel(options), createTelegramChannel(options)];
}
