/**
 * Omnisend custom events, API version 2026-03-15 (`POST /api/events`, header-versioned): an event
 * such as "appointment created" with the appointment as properties, on a contact Omnisend creates
 * or updates from the identifiers sent; Omnisend automations triggered by the event send the
 * message. Authenticated with `Authorization: Omnisend-API-Key <key>` and `Omnisend-Version`.
 *
 * Omnisend answers 202 with no body; errors are RFC 9457 problem details
 * (`{ type, title, status, detail, instance, errors: [{ field, code, message }] }`). 429 and 5xx
 * are retried (after Retry-After, or the body's `retryAfter` seconds when present); other 4xx are
 * permanent. Limit: 400 requests per minute per brand (sliding window, all keys of the brand).
 *
 * `eventID` is a UUID derived from the delivery's idempotency key, so every attempt of one delivery
 * carries the same id. Omnisend documents deduplication by eventID + eventTime for historical
 * events only, not for the real-time events that start automations.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ChannelError, type ChannelModule, type StepRenderer } from '../channel.js';
import { sendHttpRequest } from '../http/http-request.js';
import {
  apiKeyDestination,
  DEFAULT_EVENT_TIME,
  eventTime,
  profilePhone,
  propertiesSchema,
  renderProperties,
  SESAMI_PROPERTIES,
} from '../klaviyo/event-fields.js';
import { codedPattern } from '../../core/issue-codes.js';

export const OMNISEND_BASE_URL = 'https://api.omnisend.com';
/** The current header-versioned API (Omnisend-Version). */
export const OMNISEND_VERSION = '2026-03-15';
/** Omnisend's limits on contact fields (events API spec, contactDto.Contact). */
const MAX_NAME = 50;
const MAX_PHONE_DIGITS = 14;

const text = z.string();

/** Contact fields, by Omnisend's own names; each replaces the default taken from the contact. */
const contactSettings = z.strictObject({
  id: text.optional(),
  email: text.optional(),
  phone: text.optional(),
  firstName: text.optional(),
  lastName: text.optional(),
  birthdate: text.optional(),
  gender: text.optional(),
  address: text.optional(),
  city: text.optional(),
  state: text.optional(),
  postalCode: text.optional(),
  country: text.optional(),
  countryCode: text.optional(),
  tags: z.array(text).optional(),
  customProperties: propertiesSchema.optional(),
});

const settings = z.strictObject({
  /** The API key, normally `{{ secrets.OMNISEND_API_KEY }}`. */
  api_key: text.min(1, { message: 'must not be empty' }),
  /** The custom event's name, which Omnisend automations trigger on, e.g. `appointment created`. */
  event_name: text.min(1, { message: 'must not be empty' }),
  /** Event properties. Default: the Sesami set (appointment_id, datetime, … line_item_properties) from `event.*`. */
  properties: propertiesSchema.default({ ...SESAMI_PROPERTIES }),
  /** Added to `properties` (overriding equal names), to extend the default set without repeating it. */
  extra_properties: propertiesSchema.optional(),
  /** Default: email, phone, firstName and lastName from `contact.*`. */
  contact: contactSettings.optional(),
  /** When the event happened. Default: the triggering event's time; the send time for appointment-time triggers. */
  time: text.default(DEFAULT_EVENT_TIME),
  /** `origin`: `api` for custom integrations; an app gets its own from Omnisend. */
  origin: text.min(1, { message: 'must not be empty' }).default('api'),
  /** The API version sent in the `Omnisend-Version` header. */
  version: text
    .regex(codedPattern(/^\d{4}-\d{2}-\d{2}$|^\d{4}-preview$/, 'format_example', { example: '2026-03-15' }), { message: 'expected a version such as 2026-03-15' })
    .default(OMNISEND_VERSION),
});

export type OmnisendSettings = z.input<typeof settings>;

/** The rendered step: everything but `eventID`, which `send` derives from the delivery's idempotency key. */
export interface OmnisendInput {
  url: string;
  apiKey: string;
  version: string;
  event: {
    eventName: string;
    origin: string;
    eventTime: string;
    contact: Record<string, unknown>;
    properties: Record<string, unknown>;
  };
  destination: string;
}

const DEFAULT_CONTACT = {
  email: '{{ contact.email }}',
  phone: '{{ contact.phone }}',
  firstName: '{{ contact.first_name }}',
  lastName: '{{ contact.last_name }}',
};

export function createOmnisendChannel(options: {
  now: () => number;
  endpoints: Readonly<Record<string, string>>;
}): ChannelModule<OmnisendSettings, OmnisendInput> {
  const base = (options.endpoints.omnisend ?? OMNISEND_BASE_URL).replace(/\/+$/, '');
  return {
    manifest: {
      id: 'omnisend',
      name: 'Omnisend',
      description:
        'Sends a custom event (such as "appointment created") with the appointment as properties to Omnisend, creating or updating the contact; Omnisend automations triggered by the event send the message.',
      credentials: ['OMNISEND_API_KEY'],
      credentialFields: ['api_key'],
      rateLimits: [{ limit: 400, intervalMs: 60_000 }],
    },
    settings,
    async render(raw, r) {
      const s = settings.parse(raw);
      const apiKey = ((await r.text(s.api_key, 'api_key')) ?? '').trim();
      if (apiKey === '') throw new ChannelError('api_key rendered empty: is the secret set?', { retryable: false, field: 'api_key' });
      const eventName = ((await r.text(s.event_name, 'event_name')) ?? '').trim();
      if (eventName === '') throw new ChannelError('event_name rendered empty', { retryable: false, field: 'event_name' });
      const event: OmnisendInput['event'] = {
        eventName,
        origin: s.origin,
        eventTime: eventTime(await r.text(s.time, 'time'), options.now()),
        contact: await renderContact(r, s.contact),
        properties: await renderProperties(r, s.properties, s.extra_properties),
      };
      return { url: `${base}/api/events`, apiKey, version: s.version, event, destination: apiKeyDestination(apiKey) };
    },
    destination: (input) => input.destination,
    async send(context, input) {
      const { eventName, origin, eventTime: time, contact, properties } = input.event;
      const body = { eventName, origin, eventID: uuidFromKey(context.idempotencyKey), eventTime: time, contact, properties };
      const request = {
        method: 'POST',
        url: input.url,
        headers: {
          authorization: `Omnisend-API-Key ${input.apiKey}`,
          'omnisend-version': input.version,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        timeoutMs: 10_000,
      };
      try {
        return await sendHttpRequest(context, request, options.now);
      } catch (error) {
        throw describeOmnisendError(error);
      }
    },
  };
}

async function renderContact(r: StepRenderer, overrides: z.infer<typeof contactSettings> | undefined): Promise<Record<string, unknown>> {
  const { tags, customProperties, ...fields } = { ...DEFAULT_CONTACT, ...overrides };
  const contact: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(fields)) {
    const value = (await r.text(template, `contact.${key}`))?.trim();
    if (value) contact[key] = value;
  }
  for (const key of ['firstName', 'lastName'] as const) {
    // Omnisend rejects the whole event for a name over 50 characters.
    if (typeof contact[key] === 'string') contact[key] = [...(contact[key] as string)].slice(0, MAX_NAME).join('');
  }
  const phone = contact.phone as string | undefined;
  const reading = phone === undefined ? undefined : profilePhone(phone, r.country, MAX_PHONE_DIGITS);
  if (reading && 'e164' in reading) contact.phone = reading.e164;
  else delete contact.phone;
  if (tags) {
    const rendered = (await Promise.all(tags.map((t, i) => r.text(t, `contact.tags[${i}]`)))).map((t) => t?.trim()).filter(Boolean);
    if (rendered.length > 0) contact.tags = rendered;
  }
  if (customProperties) contact.customProperties = await r.value(customProperties, 'contact.customProperties');
  if (contact.email === undefined && contact.phone === undefined && contact.id === undefined) {
    const why = reading && 'reason' in reading ? ` (phone left out: ${reading.reason})` : '';
    throw new ChannelError(`contact: no identifier: Omnisend needs an email, phone or id${why}`, { retryable: false, field: 'contact' });
  }
  return contact;
}

// A fixed namespace for Nudge's event ids (a random v4 UUID, chosen once).
const NAMESPACE = Buffer.from('6f1c2b0e8d4a4c7f9b3e5a2d1c0f4e8b', 'hex');

/** A UUID v5 (RFC 9562: SHA-1 of namespace and name) of the idempotency key: the same key, the same id. */
export function uuidFromKey(key: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(key, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface Problem {
  title?: string;
  detail?: string;
  retryAfter?: unknown;
  errors?: Array<{ field?: string; code?: string; message?: string }>;
}

/**
 * Puts the problem details in the message (`HTTP 400 Validation failed: … (contact.email:
 * invalid_format)`) and, on a 429 without a Retry-After header, takes the body's `retryAfter`.
 */
function describeOmnisendError(error: unknown): unknown {
  if (!(error instanceof ChannelError)) return error;
  const response = error.response as { status?: number; body?: string } | null;
  if (!response?.status || !response.body) return error;
  let problem: Problem;
  try {
    problem = JSON.parse(response.body) as Problem;
  } catch {
    return error;
  }
  if (!problem || typeof problem !== 'object') return error;
  const fields = Array.isArray(problem.errors)
    ? problem.errors.slice(0, 5).map((e) => `${e.field ?? '?'}: ${e.code ?? e.message ?? 'invalid'}`)
    : [];
  const summary = [problem.title, problem.detail].filter(Boolean).join(': ');
  const message = `HTTP ${response.status}${summary ? ` ${summary}` : ''}${fields.length ? ` (${fields.join('; ')})` : ''}`;
  const bodyRetryAfter =
    typeof problem.retryAfter === 'number' && Number.isFinite(problem.retryAfter) && problem.retryAfter >= 0 ? problem.retryAfter * 1000 : null;
  return new ChannelError(message, {
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs ?? (error.retryable ? bodyRetryAfter : null),
    request: error.request,
    response: error.response,
    cause: error,
  });
}
