/**
 * The channel modules Nudge ships, for `send: { channel: … }` steps. Adding a channel is adding
 * its folder and one line here.
 */
import type { ChannelModule } from './channel.js';
import { createSlackChannel } from './slack/slack-channel.js';

export interface BuiltinChannelOptions {
  now: () => number;
  /** Base URL overrides by channel id (NUDGE_CHANNEL_ENDPOINTS); a channel uses its service's own otherwise. */
  endpoints: Readonly<Record<string, string>>;
}

export function builtinChannels(options: BuiltinChannelOptions): ChannelModule[] {
  return [createSlackChannel(options)];
}
