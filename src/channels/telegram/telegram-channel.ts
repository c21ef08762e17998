/**
 * Telegram Bot API sendMessage: `POST {base}/bot{token}/sendMessage` with a JSON body `{chat_id,
 * text, parse_mode?, link_preview_options?, disable_notification?}`. Telegram answers
 * `{ok: true, result: Message}`, or `{ok: false, error_code, description, parameters?}` with the
 * HTTP status mirroring `error_code`: 429 is retried after `parameters.retry_after` seconds, 5xx
 * with backoff, everything else (chat not found, bot blocked, bad token) is permanent. A 200 with
 * `ok: false` is read the same way.
 *
 * The bot token is part of the URL, so the logged request shows `bot[redacted]` whether or not the
 * token is kept as a workspace secret.
 *
 * Telegram has no idempotency key: a request whose answer was lost (timeout, reset) may have sent
 * the message and is not retried; failures before the request left are.
 */
import { z } from 'zod';
import { isTemplated } from '../../core/validation-support.js';
import { ChannelError, type ChannelContext, type ChannelModule, type ChannelResult, type StepRenderer } from '../channel.js';
import { sendHttpRequest, type HttpRequest } from '../http/http-request.js';
import { unansweredError } from '../http/unanswered-request.js';
import { escapeLegacyMarkdown, escapeMarkdownV2 } from './telegram-markup.js';

export const TELEGRAM_BASE_URL = 'https://api.telegram.org';
const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;

const settings = z.strictObject({
  /** The token from @BotFather (`123456:ABC-DEF…`), usually `{{ secrets.TELEGRAM_BOT_TOKEN }}`. */
  bot_token: z
    .string()
    .min(1)
    .refine((v) => isTemplated(v) || BOT_TOKEN.test(v), {
      message: 'expected a bot token such as 123456:ABC-DEF…, or a template',
      params: { code: 'format_example', example: '123456:ABC-DEF…' },
    }),
  /** A numeric chat id (negative for groups) or `@channelusername`. */
  chat_id: z.union([z.string().min(1), z.number().int()]),
  /** 1–4096 characters once rendered. */
  text: z.string().min(1),
  /** Every `{{ }}` output is escaped for the parse mode (telegram-markup.ts); without one the text is plain. */
  parse_mode: z.enum(['HTML', 'MarkdownV2', 'Markdown']).optional(),
  /** Sent as `link_preview_options: { is_disabled: true }` (the Bot API's replacement for this flag). */
  disable_web_page_preview: z.boolean().optional(),
  /** Deliver silently. */
  disable_notification: z.boolean().optional(),
});

export type TelegramSettings = z.input<typeof settings>;

export interface TelegramInput {
  /** Goes into the request URL; not enumerable, so JSON (logs, previews) never shows it. */
  readonly botToken: string;
  body: { chat_id: number | string; text: string; [k: string]: unknown };
}


export function createTelegramChannel(options: { now: () => number; endpoints: Readonly<Record<string, string>> }): ChannelModule<TelegramSettings, TelegramInput> {
  const base = options.endpoints.telegram ?? TELEGRAM_BASE_URL;
  return {
    manifest: {
      id: 'telegram',
      name: 'Telegram',
      description: 'Sends a message to a Telegram chat, group or channel through a bot.',
      credentials: ['TELEGRAM_BOT_TOKEN'],
      credentialFields: ['bot_token'],
      // Bot FAQ: about one message per second to a chat, at most 20 per minute to a group.
      // The ~30/s per bot is not declared (limits count per destination); its 429s are retried.
      rateLimits: [
        { limit: 1, intervalMs: 1000 },
        { limit: 20, intervalMs: 60_000 },
      ],
    },
    settings,
    async render(s, r) {
      const chat = typeof s.chat_id === 'number' ? s.chat_id : ((await r.text(s.chat_id, 'chat_id')) ?? '').trim();
      const text = await renderText(s.text, s.parse_mode, r);
      const body: TelegramInput['body'] = { chat_id: toChatId(chat), text: text ?? '' };
      if (s.parse_mode) body.parse_mode = s.parse_mode;
      if (s.disable_web_page_preview !== undefined) body.link_preview_options = { is_disabled: s.disable_web_page_preview };
      if (s.disable_notification !== undefined) body.disable_notification = s.disable_notification;
      const input = { body } as TelegramInput;
      // Not enumerable: the token never reaches a delivery log or a preview through JSON.
      Object.defineProperty(input, 'botToken', { value: ((await r.text(s.bot_token, 'bot_token')) ?? '').trim(), enumerable: false });
      return input;
    },
    // The numeric part of the token is the bot's public id.
    destination: (input) => `${input.botToken.split(':')[0]}:${input.body.chat_id}`,
    send: (context, input) => sendTelegram(context, input, base, options.now),
  };
}

function renderText(template: string, mode: TelegramSettings['parse_mode'], r: StepRenderer): Promise<string | undefined> {
  if (mode === 'HTML') return r.html(template, 'text');
  if (mode === 'MarkdownV2') return r.escaped(template, 'text', escapeMarkdownV2);
  if (mode === 'Markdown') return r.escaped(template, 'text', escapeLegacyMarkdown);
  return r.text(template, 'text');
}

/** `"-100123"` → -100123 (Telegram takes integers); `@channel` stays a string. */
function toChatId(value: number | string): number | string {
  if (typeof value === 'number') return value;
  if (/^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  return value;
}

async function sendTelegram(context: ChannelContext, input: TelegramInput, base: string, now: () => number): Promise<ChannelResult> {
  const http: HttpRequest = {
    method: 'POST',
    url: `${base}/bot${input.botToken}/sendMessage`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input.body),
    timeoutMs: 10_000,
  };
  const loggedUrl = `${base}/bot[redacted]/sendMessage`;
  const logged = { ...http, url: loggedUrl };
  if (input.body.chat_id === '') throw new ChannelError('no recipient: `chat_id` is empty', { retryable: false, noRecipient: true, request: logged });
  if (!BOT_TOKEN.test(input.botToken)) throw new ChannelError('bot_token is not a Telegram bot token (123456:ABC-DEF…)', { retryable: false, request: logged });
  let result: ChannelResult;
  try {
    result = await sendHttpRequest(context, http, now);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw new ChannelError(hideToken((error as Error).message, input.botToken), { retryable: false, request: logged, cause: error });
    const request = withUrl(error.request, loggedUrl);
    const response = error.response as { status: number; body: string } | null;
    if (!response) throw unansweredError(error, request, hideToken(error.message, input.botToken), 'Telegram', 'the Bot API');
    throw telegramError(response, error.retryAfterMs, request, error.message);
  }
  const response = result.response as { status: number; body: string };
  const reply = parseReply(response.body);
  if (reply?.ok === false) throw telegramError(response, null, withUrl(result.request, loggedUrl), `HTTP ${response.status}`);
  return { request: withUrl(result.request, loggedUrl), response };
}

interface TelegramReply {
  ok: boolean;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

function telegramError(response: { status: number; body: string }, headerRetryAfterMs: number | null, request: unknown, fallback: string): ChannelError {
  const reply = parseReply(response.body);
  const code = typeof reply?.error_code === 'number' ? reply.error_code : response.status;
  const retryAfter = reply?.parameters?.retry_after;
  let message = reply?.description ? `HTTP ${response.status}: Telegram: ${reply.description}` : fallback;
  const migrated = reply?.parameters?.migrate_to_chat_id;
  if (migrated !== undefined) message += ` (the group is now chat ${migrated}: update chat_id)`;
  return new ChannelError(message, {
    retryable: code === 429 || code >= 500 || response.status === 429 || response.status >= 500,
    retryAfterMs: typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter * 1000 : headerRetryAfterMs,
    request,
    response,
  });
}

function parseReply(body: string): TelegramReply | null {
  try {
    const parsed = JSON.parse(body) as TelegramReply;
    return parsed && typeof parsed === 'object' && typeof parsed.ok === 'boolean' ? parsed : null;
  } catch {
    return null;
  }
}

function withUrl(request: unknown, url: string): unknown {
  if (!request || typeof request !== 'object') return request;
  return { ...(request as object), url };
}

function hideToken(text: string, token: string): string {
  return token ? text.split(token).join('[redacted]') : text;
}

