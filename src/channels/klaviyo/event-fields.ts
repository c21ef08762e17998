/**
 * What the marketing-event channels (Klaviyo, Omnisend) share: the Sesami appointment property
 * set as default event properties, the event time, profile phone numbers, and a rate-limit
 * destination that names an API key without containing it.
 *
 * It lives beside Klaviyo because the property names are those of Sesami's Klaviyo table
 * (seeds/001): `appointment_id`, `datetime`, `service_name`, … `line_item_properties`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SESAMI_PROPERTY_NAMES } from '../../core/appointment-properties.js';
import { exactNumber } from '../../core/exact-number.js';
import { ChannelError, type StepRenderer } from '../channel.js';
import { readPhoneNumber } from '../phone-number.js';

/** The properties Sesami sends to Klaviyo, in the order of its table. */
export { SESAMI_PROPERTY_NAMES };

/**
 * `{ appointment_id: '{{ event.appointment_id }}', … }`: each a lone expression, so a number stays
 * a number (`service_duration: 30`) and `line_item_properties` stays an object.
 */
export const SESAMI_PROPERTIES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(SESAMI_PROPERTY_NAMES.map((name) => [name, `{{ event.${name} }}`])),
);

/** Event properties as a step writes them: names to templates (any JSON; every string is a template). */
export const propertiesSchema = z.record(z.string().min(1), z.unknown());

/**
 * Sesami's properties that are numbers in its table (`order_id` 4447608111157, `service_price`
 * 149) but are kept as text by the store: sent as JSON numbers when the text is exactly one
 * (core/exact-number.ts), as text otherwise (`"€49,90"` is still worth showing in an email).
 */
const NUMERIC_PROPERTIES: ReadonlySet<string> = new Set(['order_id', 'quantity', 'service_duration', 'service_price']);

/**
 * Renders `properties` (default: the Sesami set) with `extra` on top. A property whose value
 * renders to null (the appointment has no team member, say) is left out rather than sent as
 * null, so the service's own templates fall back to their defaults.
 */
export async function renderProperties(
  r: StepRenderer,
  properties: Record<string, unknown>,
  extra: Record<string, unknown> | undefined,
): Promise<Record<string, unknown>> {
  const rendered = {
    ...((await r.value(properties, 'properties')) as Record<string, unknown>),
    ...(extra ? ((await r.value(extra, 'extra_properties')) as Record<string, unknown>) : {}),
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rendered)) {
    if (value === null || value === undefined) continue;
    out[key] = NUMERIC_PROPERTIES.has(key) && typeof value === 'string' ? (exactNumber(value) ?? value) : value;
  }
  return out;
}

/** The default `time`: when the triggering event happened (empty for appointment-time triggers). */
export const DEFAULT_EVENT_TIME = '{{ event.occurred_at }}';

// RFC 3339 date-time, the form both services document (`2026-02-20T10:04:05Z`, `…+01:00`).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The event time as UTC ISO 8601: the rendered `time` setting, or `now` when it renders empty (an
 * appointment-time trigger has no event: the reminder happens when it is sent). Anything that is
 * not an RFC 3339 date-time is a permanent error: the service would reject the event.
 */
export function eventTime(rendered: string | undefined, now: number): string {
  const text = (rendered ?? '').trim();
  if (text === '') return new Date(now).toISOString();
  const ms = RFC3339.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ChannelError(`time: expected an ISO 8601 date-time such as 2026-11-23T09:00:00Z, got "${text.slice(0, 60)}"`, {
      retryable: false,
      field: 'time',
    });
  }
  return new Date(ms).toISOString();
}

/**
 * A profile's phone number in E.164 (read by phone-number.ts, national numbers in the workspace's
 * country), or why it is left out: the services refuse the whole event for a number they cannot
 * read, and the profile can still be reached by its other identifiers. `maxDigits`: 15 in E.164;
 * Omnisend allows 14.
 */
export function profilePhone(raw: string, country: string | null, maxDigits = 15): { e164: string } | { reason: string } {
  const reading = readPhoneNumber(raw, country);
  if (reading.kind === 'invalid') return { reason: reading.reason };
  if (reading.kind === 'empty') return { reason: 'the phone number is empty' };
  if (reading.e164.length - 1 > maxDigits) return { reason: `"${raw.trim()}" has more than ${maxDigits} digits` };
  return { e164: reading.e164 };
}

/**
 * What rate limits count against for an API key: its SHA-256, shortened. The key itself must not
 * become a limiter key (it would sit in memory and metrics labels in clear).
 */
export function apiKeyDestination(apiKey: string): string {
  return `key-sha256:${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`;
}

/** Drops entries whose value is undefined, null or an empty string. */
export function compact<T extends Record<string, unknown>>(record: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined && value !== null && value !== '') out[key] = value;
  return out as Partial<T>;
}
