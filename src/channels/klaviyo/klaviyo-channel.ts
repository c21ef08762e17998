/**
 * Klaviyo Create Event (`POST /api/events`, JSON:API): records a metric such as "Sesami
 * Appointment Created" on a profile, with the appointment as event properties; Klaviyo flows
 * triggered by that metric send the email or SMS. Authenticated with a private API key
 * (`Authorization: Klaviyo-API-Key pk_…`) and pinned to a `revision`.
 *
 * `unique_id` is the delivery's idempotency key: Klaviyo records only the first event with a given
 * unique_id per profile and metric, so a retry after a lost response is not counted twice.
 * Klaviyo answers 202 with no body; errors are JSON:API `{ errors: [{ code, title, detail, source }] }`.
 * 429 (with Retry-After, in seconds) and 5xx are retried; other 4xx are permanent.
 * Limits (Create Event, per account): 350/s burst and 3500/min steady.
 */
import { z } from 'zod';
import { exactNumber } from '../../core/exact-number.js';
import { isTemplated } from '../../core/validation-support.js';
import { ChannelError, type ChannelModule, type StepRenderer } from '../channel.js';
import { sendHttpRequest } from '../http/http-request.js';
import {
  apiKeyDestination,
  compact,
  DEFAULT_EVENT_TIME,
  eventTime,
  profilePhone,
  propertiesSchema,
  renderProperties,
  SESAMI_PROPERTIES,
} from './event-fields.js';
import { codedPattern } from '../../core/issue-codes.js';

export const KLAVIYO_BASE_URL = 'https://a.klaviyo.com';
/** The newest stable revision of Create Event in Klaviyo's OpenAPI spec (klaviyo/openapi, create_event.json). */
export const KLAVIYO_REVISION = '2026-07-15';
const JSON_API = 'application/vnd.api+json';
/** Klaviyo: a metric name "must be less than 128 characters". */
const MAX_METRIC_NAME = 127;

const text = z.string();

/** Profile attributes, by Klaviyo's own names; each replaces the default taken from the contact. */
const profileSettings = z.strictObject({
  email: text.optional(),
  phone_number: text.optional(),
  external_id: text.optional(),
  anonymous_id: text.optional(),
  first_name: text.optional(),
  last_name: text.optional(),
  organization: text.optional(),
  locale: text.optional(),
  title: text.optional(),
  image: text.optional(),
  location: z
    .strictObject({
      address1: text.optional(),
      address2: text.optional(),
      city: text.optional(),
      country: text.optional(),
      region: text.optional(),
      zip: text.optional(),
      timezone: text.optional(),
      ip: text.optional(),
      latitude: z.union([text, z.number()]).optional(),
      longitude: z.union([text, z.number()]).optional(),
    })
    .optional(),
  /** Custom profile properties. */
  properties: propertiesSchema.optional(),
});

const settings = z.strictObject({
  /** The private API key, normally `{{ secrets.KLAVIYO_PRIVATE_API_KEY }}`. */
  api_key: text.min(1, { message: 'must not be empty' }),
  /** The metric (event name) Klaviyo flows trigger on, e.g. `Sesami Appointment Created`. */
  metric: text.min(1, { message: 'must not be empty' }).refine((v) => isTemplated(v) || v.length <= MAX_METRIC_NAME, {
    message: `must be less than ${MAX_METRIC_NAME + 1} characters`,
    params: { code: 'at_most_chars', count: MAX_METRIC_NAME },
  }),
  /** Event properties. Default: the Sesami set (appointment_id, datetime, … line_item_properties) from `event.*`. */
  properties: propertiesSchema
    .refine((p) => Object.keys(p).length <= 400, { message: 'Klaviyo accepts at most 400 properties', params: { code: 'too_many_properties', count: 400 } })
    .default({ ...SESAMI_PROPERTIES }),
  /** Added to `properties` (overriding equal names), to extend the default set without repeating it. */
  extra_properties: propertiesSchema.optional(),
  /** Default: email, phone_number, external_id, first_name and last_name from `contact.*`. */
  profile: profileSettings.optional(),
  /** When the event happened. Default: the triggering event's time; the send time for appointment-time triggers. */
  time: text.default(DEFAULT_EVENT_TIME),
  /** A monetary value for the event (a number, or a template giving one), e.g. `{{ event.service_price }}`. */
  value: z.union([z.number(), text]).optional(),
  /** ISO 4217 currency of `value`, e.g. `USD`. */
  value_currency: text.optional(),
  /** The API revision sent in the `revision` header. */
  revision: text
    .regex(codedPattern(/^\d{4}-\d{2}-\d{2}(\.[A-Za-z0-9]+)?$/, 'format_example', { example: '2026-07-15' }), { message: 'expected a revision date such as 2026-07-15' })
    .default(KLAVIYO_REVISION),
});

export type KlaviyoSettings = z.input<typeof settings>;

/** The rendered step: everything but `unique_id`, which `send` adds from the delivery's idempotency key. */
export interface KlaviyoInput {
  url: string;
  apiKey: string;
  revision: string;
  attributes: {
    properties: Record<string, unknown>;
    time: string;
    value?: number;
    value_currency?: string;
    metric: { data: { type: 'metric'; attributes: { name: string } } };
    profile: { data: { type: 'profile'; attributes: Record<string, unknown> } };
  };
  destination: string;
}

const DEFAULT_PROFILE = {
  email: '{{ contact.email }}',
  phone_number: '{{ contact.phone }}',
  external_id: '{{ contact.external_id }}',
  first_name: '{{ contact.first_name }}',
  last_name: '{{ contact.last_name }}',
};

const IDENTIFIERS = ['email', 'phone_number', 'external_id', 'anonymous_id'] as const;

export function createKlaviyoChannel(options: {
  now: () => number;
  endpoints: Readonly<Record<string, string>>;
}): ChannelModule<KlaviyoSettings, KlaviyoInput> {
  const base = (options.endpoints.klaviyo ?? KLAVIYO_BASE_URL).replace(/\/+$/, '');
  return {
    manifest: {
      id: 'klaviyo',
      name: 'Klaviyo',
      description:
        'Records an event (a metric such as "Sesami Appointment Created") with the appointment as properties on a Klaviyo profile; Klaviyo flows triggered by the metric send the email or SMS.',
      credentials: ['KLAVIYO_PRIVATE_API_KEY'],
      credentialFields: ['api_key'],
      rateLimits: [
        { limit: 350, intervalMs: 1000 },
        { limit: 3500, intervalMs: 60_000 },
      ],
    },
    settings,
    async render(raw, r) {
      const s = settings.parse(raw);
      const apiKey = ((await r.text(s.api_key, 'api_key')) ?? '').trim();
      if (apiKey === '') throw new ChannelError('api_key rendered empty: is the secret set?', { retryable: false, field: 'api_key' });
      const name = ((await r.text(s.metric, 'metric')) ?? '').trim();
      if (name === '' || name.length > MAX_METRIC_NAME) {
        throw new ChannelError(`metric: the name must be 1 to ${MAX_METRIC_NAME} characters, got ${name.length}`, { retryable: false, field: 'metric' });
      }
      const attributes: KlaviyoInput['attributes'] = {
        properties: await renderProperties(r, s.properties, s.extra_properties),
        time: eventTime(await r.text(s.time, 'time'), options.now()),
        metric: { data: { type: 'metric', attributes: { name } } },
        profile: { data: { type: 'profile', attributes: await renderProfile(r, s.profile) } },
      };
      const value = await renderValue(r, s.value);
      if (value !== undefined) attributes.value = value;
      const currency = (await r.text(s.value_currency, 'value_currency'))?.trim();
      if (currency) attributes.value_currency = currency;
      return { url: `${base}/api/events`, apiKey, revision: s.revision, attributes, destination: apiKeyDestination(apiKey) };
    },
    destination: (input) => input.destination,
    async send(context, input) {
      const body = { data: { type: 'event', attributes: { ...input.attributes, unique_id: context.idempotencyKey } } };
      const request = {
        method: 'POST',
        url: input.url,
        headers: {
          authorization: `Klaviyo-API-Key ${input.apiKey}`,
          revision: input.revision,
          accept: JSON_API,
          'content-type': JSON_API,
        },
        body: JSON.stringify(body),
        timeoutMs: 10_000,
      };
      try {
        return await sendHttpRequest(context, request, options.now);
      } catch (error) {
        throw describeKlaviyoError(error);
      }
    },
  };
}

async function renderProfile(r: StepRenderer, overrides: z.infer<typeof profileSettings> | undefined): Promise<Record<string, unknown>> {
  const { location, properties, ...fields } = { ...DEFAULT_PROFILE, ...overrides };
  const attributes: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(fields)) {
    const value = (await r.text(template, `profile.${key}`))?.trim();
    if (value) attributes[key] = value;
  }
  const phone = attributes.phone_number as string | undefined;
  const reading = phone === undefined ? undefined : profilePhone(phone, r.country);
  if (reading && 'e164' in reading) attributes.phone_number = reading.e164;
  else delete attributes.phone_number;
  if (location) {
    const rendered = compact((await r.value(location, 'profile.location')) as Record<string, unknown>);
    if (Object.keys(rendered).length > 0) attributes.location = rendered;
  }
  if (properties) attributes.properties = await r.value(properties, 'profile.properties');
  if (!IDENTIFIERS.some((id) => attributes[id] !== undefined)) {
    const why = reading && 'reason' in reading ? ` (phone left out: ${reading.reason})` : '';
    throw new ChannelError(`profile: no identifier: Klaviyo needs an email, phone_number or external_id${why}`, { retryable: false, field: 'profile' });
  }
  return attributes;
}

async function renderValue(r: StepRenderer, value: number | string | undefined): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const rendered = await r.value(value, 'value');
  if (rendered === null || rendered === '') return undefined;
  const n = exactNumber(typeof rendered === 'string' ? rendered.trim() : rendered);
  if (n === undefined) throw new ChannelError(`value: expected a number such as 49.90, got ${JSON.stringify(rendered)}`, { retryable: false, field: 'value' });
  return n;
}

interface JsonApiError {
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
}

const HINTS: Record<number, string> = {
  401: ' (check the private API key: it starts with pk_)',
  403: ' (the API key needs the events:write scope, or full access)',
};

/** Puts Klaviyo's JSON:API error codes and details in the message: `HTTP 400 invalid: … (at /data/…)`. */
function describeKlaviyoError(error: unknown): unknown {
  if (!(error instanceof ChannelError)) return error;
  const response = error.response as { status?: number; body?: string } | null;
  if (!response?.status || !response.body) return error;
  let errors: JsonApiError[];
  try {
    errors = (JSON.parse(response.body) as { errors?: JsonApiError[] }).errors ?? [];
  } catch {
    return error;
  }
  if (!Array.isArray(errors) || errors.length === 0) return error;
  const parts = errors.slice(0, 5).map((e) => {
    const where = e.source?.pointer ? ` (at ${e.source.pointer})` : e.source?.parameter ? ` (parameter ${e.source.parameter})` : '';
    return `${e.code ?? 'error'}: ${e.detail ?? e.title ?? ''}${where}`;
  });
  return new ChannelError(`HTTP ${response.status} ${parts.join('; ')}${HINTS[response.status] ?? ''}`, {
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    request: error.request,
    response: error.response,
    cause: error,
  });
}
