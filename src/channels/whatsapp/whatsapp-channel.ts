/**
 * WhatsApp Cloud API template messages: `POST {base}/{version}/{phone_number_id}/messages` with
 * `Authorization: Bearer <token>` and a JSON body `{messaging_product: 'whatsapp', to, type:
 * 'template', template: {name, language: {code}, components}}`. Outside the 24-hour customer
 * service window (every reminder) only approved templates can be sent, so this is the only
 * message type offered. Meta answers 200 `{messages: [{id: 'wamid…'}]}`; errors are the Graph
 * envelope `{error: {message, type, code, error_data: {details}, fbtrace_id}}`, and Meta asks
 * clients to decide on `code`, not on the HTTP status: rate-limit and temporary codes are retried
 * (some arrive as HTTP 400), everything else is permanent.
 *
 * The Cloud API has no idempotency key: a request whose answer was lost (timeout, reset) may have
 * sent the message and is not retried; failures before the request left are.
 */
import { z } from 'zod';
import { isTemplated } from '../../core/validation-support.js';
import { ChannelError, type ChannelContext, type ChannelModule, type ChannelResult } from '../channel.js';
import { sendHttpRequest, type HttpRequest } from '../http/http-request.js';
import { unansweredError, withLoggedHeaders } from '../http/unanswered-request.js';
import { sendablePhoneNumber } from '../phone-number.js';
import { META_LANGUAGE_CODE, metaLanguageCode } from './template-language.js';
import { codedPattern, type CodedProblem } from '../../core/issue-codes.js';

export const GRAPH_BASE_URL = 'https://graph.facebook.com';
/** v24.0 was released on 2025-10-08; Graph versions live about two years. */
export const DEFAULT_GRAPH_VERSION = 'v24.0';

/**
 * Graph error codes worth retrying whatever the HTTP status: 2 service temporarily unavailable,
 * 4 app call rate limit, 80007 WhatsApp Business Account rate limit, 130429 Cloud API throughput,
 * 131016 service overloaded, 131056 too many messages to the same recipient.
 */
export const RETRYABLE_GRAPH_CODES: ReadonlySet<number> = new Set([2, 4, 80007, 130429, 131016, 131056]);

const literalOr = (pattern: RegExp, message: string, problem: CodedProblem) =>
  z
    .string()
    .min(1)
    .refine((v) => isTemplated(v) || pattern.test(v), { message, params: { ...problem.params, code: problem.code } });

const parameterName = z.string().regex(codedPattern(/^[a-z0-9_]+$/, 'lowercase_name'), { message: 'expected lower-case letters, digits and _' });

const settings = z
  .strictObject({
    /** A system-user access token, usually `{{ secrets.WHATSAPP_ACCESS_TOKEN }}`. */
    access_token: z.string().min(1),
    /** The sending phone number's ID (not the number itself), from the WhatsApp Manager; a YAML number is fine. */
    phone_number_id: z.preprocess(
      (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v),
      literalOr(/^\d+$/, 'expected the numeric phone number ID, or a template', { code: 'numeric_id' }),
    ),
    /** Graph API version, `v24.0` by default. */
    api_version: z
      .string()
      .regex(codedPattern(/^v?\d+\.\d+$/, 'format_example', { example: 'v24.0' }), { message: 'expected a Graph API version such as v24.0' })
      .default(DEFAULT_GRAPH_VERSION),
    /** Recipient's number, sent as the digits of its E.164 form (see phone-number.ts). */
    to: z.string().min(1).default('{{ contact.phone }}'),
    /** The approved template's name. */
    template: literalOr(/^[a-z0-9_]+$/, 'expected a template name (lower-case letters, digits and _), or a template', { code: 'lowercase_name' }),
    /** The template's language code: `en_US`, `de`, `pt_BR`, … (may be a template, e.g. from the contact); `pt-BR` is sent as `pt_BR`. */
    language: literalOr(/^[A-Za-z]{2,3}([-_][A-Za-z]{2})?$/, 'expected a language code such as en_US or de, or a template', {
      code: 'format_example',
      params: { example: 'en_US' },
    }),
    /** Body variables: a list for {{1}}, {{2}} …, or an object for named variables. */
    parameters: z.union([z.array(z.string()), z.record(parameterName, z.string())]).optional(),
    /** Text variables of the header, same forms. */
    header_parameters: z.union([z.array(z.string()), z.record(parameterName, z.string())]).optional(),
    /** The complete `components` array (buttons, media headers, …); every string in it is a template. */
    components: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.components !== undefined && (s.parameters !== undefined || s.header_parameters !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['components'],
        message: 'give either components or parameters / header_parameters',
        params: { code: 'either', first: 'components', second: 'parameters / header_parameters' },
      });
    }
  });

export type WhatsAppSettings = z.input<typeof settings>;

export interface WhatsAppInput {
  phoneNumberId: string;
  url: string;
  /** Not enumerable, so JSON (logs, previews) never shows it. */
  readonly accessToken: string;
  body: Record<string, unknown>;
}

type TextParameter = { type: 'text'; text: string; parameter_name?: string };


export function createWhatsAppChannel(options: { now: () => number; endpoints: Readonly<Record<string, string>> }): ChannelModule<WhatsAppSettings, WhatsAppInput> {
  const base = options.endpoints.whatsapp ?? GRAPH_BASE_URL;
  return {
    manifest: {
      id: 'whatsapp',
      name: 'WhatsApp (Cloud API)',
      description: 'Sends an approved WhatsApp template message through the Meta Cloud API.',
      credentials: ['WHATSAPP_ACCESS_TOKEN'],
      credentialFields: ['access_token'],
      // Cloud API throughput is 80 messages/s per business phone number by default.
      rateLimits: [{ limit: 80, intervalMs: 1000 }],
    },
    settings,
    async render(raw, r) {
      const s = settings.parse(raw);
      const phoneNumberId = ((await r.text(s.phone_number_id, 'phone_number_id')) ?? '').trim();
      const version = s.api_version.startsWith('v') ? s.api_version : `v${s.api_version}`;
      const components: unknown[] = [];
      if (s.components) {
        components.push(...((await r.value(s.components, 'components')) as unknown[]));
      } else {
        if (s.header_parameters) components.push({ type: 'header', parameters: await textParameters(s.header_parameters, 'header_parameters', r.text) });
        if (s.parameters) components.push({ type: 'body', parameters: await textParameters(s.parameters, 'parameters', r.text) });
      }
      const template: Record<string, unknown> = {
        name: ((await r.text(s.template, 'template')) ?? '').trim(),
        language: { code: metaLanguageCode((await r.text(s.language, 'language')) ?? '') },
      };
      if (components.length > 0) template.components = components;
      const input: Omit<WhatsAppInput, 'accessToken'> = {
        phoneNumberId,
        url: `${base}/${version}/${encodeURIComponent(phoneNumberId)}/messages`,
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: sendablePhoneNumber((await r.text(s.to, 'to')) ?? '', r.country, 'to').replace(/^\+/, ''),
          type: 'template',
          template,
        },
      };
      // Not enumerable: the token never reaches a delivery log or a preview through JSON.
      Object.defineProperty(input, 'accessToken', { value: ((await r.text(s.access_token, 'access_token')) ?? '').trim(), enumerable: false });
      return input as WhatsAppInput;
    },
    destination: (input) => input.phoneNumberId,
    send: (context, input) => sendWhatsApp(context, input, options.now),
  };
}

async function textParameters(
  values: string[] | Record<string, string>,
  field: string,
  text: (template: string | undefined, field: string) => Promise<string | undefined>,
): Promise<TextParameter[]> {
  const entries: Array<[string | null, string, string]> = Array.isArray(values)
    ? values.map((v, i) => [null, v, `${field}[${i}]`])
    : Object.entries(values).map(([k, v]) => [k, v, `${field}.${k}`]);
  const out: TextParameter[] = [];
  for (const [name, template, path] of entries) {
    const rendered = cleanParameter((await text(template, path)) ?? '');
    out.push(name === null ? { type: 'text', text: rendered } : { type: 'text', parameter_name: name, text: rendered });
  }
  return out;
}

/**
 * Meta refuses parameter text with new lines, tabs or more than four consecutive spaces (error
 * 132018); customer data (an address, a note) often has them, so they are folded to spaces.
 */
export function cleanParameter(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {5,}/g, '    ')
    .trim();
}

async function sendWhatsApp(context: ChannelContext, input: WhatsAppInput, now: () => number): Promise<ChannelResult> {
  const http: HttpRequest = {
    method: 'POST',
    url: input.url,
    headers: { authorization: `Bearer ${input.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(input.body),
    timeoutMs: 10_000,
  };
  const loggedHeaders = { authorization: 'Bearer [redacted]' };
  const logged = { ...http, headers: { ...http.headers, ...loggedHeaders } };
  if (!/^\d+$/.test(input.phoneNumberId)) {
    throw new ChannelError(`phone_number_id must be the numeric phone number ID, got "${input.phoneNumberId}"`, { retryable: false, request: logged });
  }
  if (!input.body.to) {
    throw new ChannelError('no recipient: `to` is empty (the contact has no phone number)', { retryable: false, noRecipient: true, request: logged });
  }
  const language = (input.body.template as { language: { code: string } }).language.code;
  if (!META_LANGUAGE_CODE.test(language)) {
    const why = language === '' ? 'is empty once rendered (does the contact have a language?)' : `"${language}" is not a language code`;
    throw new ChannelError(`language ${why}: expected a code such as en_US, pt_BR or de`, { retryable: false, request: logged });
  }
  const empty = emptyParameter(input.body.template);
  if (empty) throw new ChannelError(`${empty} is empty once rendered; WhatsApp rejects empty template parameters`, { retryable: false, request: logged });
  try {
    const result = await sendHttpRequest(context, http, now);
    return { request: withLoggedHeaders(result.request, loggedHeaders), response: result.response };
  } catch (error) {
    if (!(error instanceof ChannelError)) throw new ChannelError((error as Error).message, { retryable: false, request: logged, cause: error });
    const request = withLoggedHeaders(error.request, loggedHeaders);
    const response = error.response as { status: number; body: string } | null;
    if (!response) throw unansweredError(error, request, error.message, 'WhatsApp', 'the Cloud API');
    const graph = parseGraphError(response.body);
    const retryable = response.status === 429 || response.status >= 500 || (graph !== null && RETRYABLE_GRAPH_CODES.has(graph.code));
    const message = graph
      ? `HTTP ${response.status}: WhatsApp error ${graph.code}: ${graph.message}${graph.details ? ` (${graph.details})` : ''}`
      : error.message;
    throw new ChannelError(message, { retryable, retryAfterMs: error.retryAfterMs, request, response });
  }
}

/** `body parameter 2` (or `body parameter first_name`) when a text parameter is empty; checked before sending, not in render, so a preview still shows it. */
function emptyParameter(template: unknown): string | null {
  const components = (template as { components?: unknown } | undefined)?.components;
  if (!Array.isArray(components)) return null;
  for (const c of components as Array<{ type?: unknown; parameters?: unknown }>) {
    if (!Array.isArray(c.parameters)) continue;
    for (const [i, p] of (c.parameters as Array<{ type?: unknown; text?: unknown; parameter_name?: unknown }>).entries()) {
      if (p.type === 'text' && (typeof p.text !== 'string' || p.text.trim() === '')) {
        return `${String(c.type)} parameter ${typeof p.parameter_name === 'string' ? p.parameter_name : i + 1}`;
      }
    }
  }
  return null;
}

function parseGraphError(body: string): { code: number; message: string; details: string | null } | null {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } } };
    const e = parsed.error;
    if (e && typeof e.code === 'number') {
      return {
        code: e.code,
        message: typeof e.message === 'string' ? e.message : '',
        details: typeof e.error_data?.details === 'string' ? e.error_data.details : null,
      };
    }
  } catch {
    /* not a Graph error: a proxy's page */
  }
  return null;
}


