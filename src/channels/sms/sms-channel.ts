/**
 * SMS through Twilio's Messages API: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`
 * with HTTP Basic auth (account SID and auth token, or an API key SID and secret) and a
 * form-encoded body `To`, `From` or `MessagingServiceSid`, `Body`, optional `StatusCallback`.
 * Twilio answers 201 with the message resource (`sid`, `status: queued|accepted`); errors are JSON
 * `{code, message, more_info, status}`: 429 (with Retry-After) and 5xx are retried, other 4xx are
 * permanent (Twilio advises against branching on individual codes).
 *
 * Twilio has no idempotency key for creating a message: a request that reached Twilio but whose
 * answer was lost (a timeout, a reset connection) may have sent the SMS, and a retry would send it
 * twice. Such failures are therefore permanent here; only failures where the request cannot have
 * left (connection refused, DNS) are retried. The engine's Idempotency-Key header still goes out
 * (Twilio ignores it) and the key is on the delivery record for tracing.
 *
 * No rate limit is declared: Twilio queues messages above a sender's throughput itself, and its
 * per-number rates depend on the number type and country, which Nudge cannot see.
 */
import { z } from 'zod';
import { isTemplated } from '../../core/validation-support.js';
import { ChannelError, type ChannelContext, type ChannelModule, type ChannelResult } from '../channel.js';
import { sendHttpRequest, type HttpRequest } from '../http/http-request.js';
import { unansweredError, withLoggedHeaders } from '../http/unanswered-request.js';
import { readPhoneNumber, sendablePhoneNumber } from '../phone-number.js';

export const TWILIO_BASE_URL = 'https://api.twilio.com';
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/** A literal must match `pattern`; a template is checked once rendered (by Twilio). */
const sidOrTemplate = (pattern: RegExp, prefix: string) =>
  z
    .string()
    .min(1)
    .refine((v) => isTemplated(v) || pattern.test(v), {
      message: `expected ${prefix} followed by 32 hex digits, or a template`,
      params: { code: 'sid_format', prefix },
    });

const settings = z
  .strictObject({
    /** The account SID (`AC…`), usually `{{ secrets.TWILIO_ACCOUNT_SID }}`. */
    account_sid: sidOrTemplate(ACCOUNT_SID, 'AC'),
    /** The auth token, or the API key's secret when `api_key_sid` is set: `{{ secrets.TWILIO_AUTH_TOKEN }}`. */
    auth_token: z.string().min(1),
    /** Authenticate with an API key (`SK…`) instead of the account's auth token. */
    api_key_sid: sidOrTemplate(API_KEY_SID, 'SK').optional(),
    /** Recipient, sent in E.164 (see phone-number.ts); `whatsapp:` before the number is kept. */
    to: z.string().min(1).default('{{ contact.phone }}'),
    /** A Twilio number (sent in E.164) or alphanumeric sender ID. Exactly one of `from` / `messaging_service_sid`. */
    from: z.string().min(1).optional(),
    /** A Messaging Service (`MG…`) that picks the sender. */
    messaging_service_sid: sidOrTemplate(MESSAGING_SERVICE_SID, 'MG').optional(),
    /** The text, up to 1,600 characters once rendered. */
    body: z.string().min(1),
    /** URL Twilio posts delivery status changes to. */
    status_callback: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.from === undefined) === (s.messaging_service_sid === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'give exactly one of from / messaging_service_sid',
        params: { code: 'exactly_one', keys: 'from, messaging_service_sid' },
      });
    }
  });

export type SmsSettings = z.input<typeof settings>;

export interface SmsInput {
  accountSid: string;
  /** Basic auth user: the account SID, or the API key SID. */
  username: string;
  /** Basic auth password; not enumerable, so JSON (logs, previews) never shows it. */
  readonly password: string;
  url: string;
  form: Record<string, string>;
}

/** Failures where the request cannot have reached the service, so retrying cannot send twice. */

export function createSmsChannel(options: { now: () => number; endpoints: Readonly<Record<string, string>> }): ChannelModule<SmsSettings, SmsInput> {
  // `sms=` is the channel id; `twilio=` the service name used in NUDGE_CHANNEL_ENDPOINTS examples.
  const base = options.endpoints.sms ?? options.endpoints.twilio ?? TWILIO_BASE_URL;
  return {
    manifest: {
      id: 'sms',
      name: 'SMS (Twilio)',
      description: 'Sends a text message through the Twilio Messages API.',
      credentials: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'],
      credentialFields: ['account_sid', 'api_key_sid', 'auth_token'],
    },
    settings,
    async render(raw, r) {
      const s = settings.parse(raw);
      const accountSid = (await r.text(s.account_sid, 'account_sid')) ?? '';
      const apiKeySid = await r.text(s.api_key_sid, 'api_key_sid');
      const form: Record<string, string> = { To: twilioAddress((await r.text(s.to, 'to')) ?? '', r.country, 'to') };
      if (s.from !== undefined) form.From = sender((await r.text(s.from, 'from')) ?? '', r.country);
      if (s.messaging_service_sid !== undefined) form.MessagingServiceSid = (await r.text(s.messaging_service_sid, 'messaging_service_sid')) ?? '';
      form.Body = (await r.text(s.body, 'body')) ?? '';
      if (s.status_callback !== undefined) form.StatusCallback = (await r.text(s.status_callback, 'status_callback')) ?? '';
      const input = {
        accountSid,
        username: apiKeySid || accountSid,
        url: `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
        form,
      } as SmsInput;
      // Not enumerable: the token never reaches a delivery log or a preview through JSON.
      Object.defineProperty(input, 'password', { value: (await r.text(s.auth_token, 'auth_token')) ?? '', enumerable: false });
      return input;
    },
    destination: (input) => `${input.accountSid}:${input.form.From ?? input.form.MessagingServiceSid ?? ''}`,
    send: (context, input) => sendSms(context, input, options.now),
  };
}

async function sendSms(context: ChannelContext, input: SmsInput, now: () => number): Promise<ChannelResult> {
  const http: HttpRequest = {
    method: 'POST',
    url: input.url,
    headers: {
      authorization: `Basic ${Buffer.from(`${input.username}:${input.password}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams(input.form).toString(),
    timeoutMs: 10_000,
  };
  const logged = { ...http, headers: { ...http.headers, authorization: 'Basic [redacted]' } };
  if (!ACCOUNT_SID.test(input.accountSid)) {
    throw new ChannelError(`account_sid must be AC followed by 32 hex digits, got "${input.accountSid}"`, { retryable: false, request: logged });
  }
  if (!input.form.To) throw new ChannelError('no recipient: `to` is empty (the contact has no phone number)', { retryable: false, noRecipient: true, request: logged });
  try {
    const result = await sendHttpRequest(context, http, now);
    return { request: withLoggedHeaders(result.request, logged.headers), response: result.response };
  } catch (error) {
    if (!(error instanceof ChannelError)) throw new ChannelError((error as Error).message, { retryable: false, request: logged, cause: error });
    const request = withLoggedHeaders(error.request, logged.headers);
    const response = error.response as { status: number; body: string } | null;
    if (!response) throw unansweredError(error, request, error.message, 'Twilio', 'Twilio');
    const twilio = parseTwilioError(response.body);
    const message = twilio ? `HTTP ${response.status}: Twilio error ${twilio.code}: ${twilio.message}` : error.message;
    throw new ChannelError(message, {
      retryable: response.status === 429 || response.status >= 500,
      retryAfterMs: error.retryAfterMs,
      request,
      response,
    });
  }
}

/** A recipient in E.164 (`+44 (0)20 7946 0958` → `+442079460958`), keeping a `whatsapp:` channel prefix. */
function twilioAddress(value: string, country: string | null, field: string): string {
  const prefix = /^\s*whatsapp:/i.exec(value)?.[0] ?? '';
  const number = sendablePhoneNumber(value.slice(prefix.length), country, field);
  return number === '' ? '' : `${prefix.trim()}${number}`;
}

/** A sender number in E.164; anything that is not a phone number (an alphanumeric sender ID) as written. */
function sender(value: string, country: string | null): string {
  const prefix = /^\s*whatsapp:/i.exec(value)?.[0] ?? '';
  const reading = readPhoneNumber(value.slice(prefix.length), country);
  return reading.kind === 'valid' ? `${prefix.trim()}${reading.e164}` : value.trim();
}

function parseTwilioError(body: string): { code: number; message: string } | null {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'number' && typeof parsed.message === 'string') return { code: parsed.code, message: parsed.message };
  } catch {
    /* not Twilio's JSON: a proxy's page */
  }
  return null;
}


