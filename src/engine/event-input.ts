/**
 * The shape of an event as clients post it (`POST /v1/events`).
 * Strict: an unknown field is an error with its path, so a typo never silently drops data.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { formatPath, NudgeError, ValidationError } from '../core/errors.js';
import { unknownEventName, type AppointmentEventName } from '../core/event-names.js';
import { zodIssues } from '../core/zod-issues.js';
import { codedIssue, codedPattern } from '../core/issue-codes.js';
import { isValidZone } from '../core/time-zones.js';
import type { AppointmentChange } from '../core/appointment-change.js';
import { countSchema, durationMinutesSchema, isoTimeSchema as isoTime } from '../core/input-ranges.js';
const shortText = z.string().max(1000);
const zone = z.string().refine(isValidZone, { message: 'unknown IANA timezone', params: { code: 'timezone' } });

export const contactInputSchema = z.strictObject({
  external_id: z.string().min(1).max(200).optional(),
  email: z.email().max(320).optional(),
  phone: z
    .string()
    .regex(codedPattern(/^\+?[0-9][0-9 ().-]{3,24}$/, 'phone'), { message: 'expected a phone number such as +14155550123' })
    .optional(),
  name: shortText.optional(),
  first_name: shortText.optional(),
  last_name: shortText.optional(),
  language: z
    .string()
    .regex(codedPattern(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'language_tag'), { message: 'expected a language tag such as en or pt-BR' })
    .optional(),
  timezone: zone.optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

const stringOrNumber = z.union([z.string().max(1000), z.number()]).transform((v) => String(v));

/** The Sesami appointment properties (seeds/001) plus start/end and timezone. */
export const appointmentInputSchema = z.strictObject({
  id: z.union([z.string().min(1).max(200), z.number()]).transform((v) => String(v)),
  start_at: isoTime.optional(),
  end_at: isoTime.optional(),
  timezone: zone.optional(),
  order_id: stringOrNumber.optional(),
  quantity: countSchema.optional(),
  service_name: shortText.optional(),
  service_description: z.string().max(10_000).optional(),
  /** Minutes. */
  service_duration: durationMinutesSchema.optional(),
  service_price: stringOrNumber.optional(),
  service_location: shortText.optional(),
  service_image_url: z.string().max(2000).optional(),
  team_member: shortText.optional(),
  team_member_description: z.string().max(10_000).optional(),
  team_member_email: z.string().max(320).optional(),
  team_member_phone: shortText.optional(),
  variant_title: shortText.optional(),
  customer_management_link: z.string().max(2000).optional(),
  line_item_properties: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  /** Anything else the booking system wants to keep on the appointment. */
  extra: z.record(z.string(), z.unknown()).optional(),
});

export const APPOINTMENT_EVENTS = {
  'appointment.created': 'booked',
  'appointment.rescheduled': 'booked',
  'appointment.canceled': 'canceled',
  'appointment.completed': 'completed',
  'appointment.checked_in': 'checked_in',
  'appointment.no_show': 'no_show',
} as const satisfies Record<AppointmentEventName, string>;

const idempotencyKeySchema = z.string().min(1).max(200);

export const eventInputSchema = z
  .strictObject({
    name: z
      .string()
      .regex(codedPattern(/^[A-Za-z0-9_.:-]{1,100}$/, 'key_chars'), { message: 'expected 1-100 letters, digits, _ . : -' }),
    idempotency_key: idempotencyKeySchema.optional(),
    occurred_at: isoTime.optional(),
    contact: contactInputSchema,
    appointment: appointmentInputSchema.optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((event, ctx) => {
    const c = event.contact;
    if (!c.external_id && !c.email && !c.phone) {
      ctx.addIssue({ ...codedIssue({ code: 'contact_identity' }), path: ['contact'] });
    }
    if (event.name in APPOINTMENT_EVENTS && !event.appointment) {
      ctx.addIssue({ ...codedIssue({ code: 'required_for', params: { event: event.name } }), path: ['appointment'] });
    }
    const a = event.appointment;
    if (a && (event.name === 'appointment.created' || event.name === 'appointment.rescheduled') && !a.start_at) {
      ctx.addIssue({ ...codedIssue({ code: 'required_for', params: { event: event.name } }), path: ['appointment', 'start_at'] });
    }
    if (a?.start_at && a.end_at && Date.parse(a.end_at) < Date.parse(a.start_at)) {
      ctx.addIssue({ ...codedIssue({ code: 'before_start' }), path: ['appointment', 'end_at'] });
    }
  });

export type EventInput = z.infer<typeof eventInputSchema>;
export type ContactInput = z.infer<typeof contactInputSchema>;
export type AppointmentInput = z.infer<typeof appointmentInputSchema>;

/** The change an event makes to its appointment (core/appointment-change.ts applies it). */
export function appointmentChangeOf(name: string, appointment: AppointmentInput): AppointmentChange {
  const { id, start_at, end_at, timezone, line_item_properties, extra, ...properties } = appointment;
  return {
    external_id: id,
    start_at: start_at ? Date.parse(start_at) : undefined,
    end_at: end_at ? Date.parse(end_at) : undefined,
    timezone,
    status: APPOINTMENT_EVENTS[name as keyof typeof APPOINTMENT_EVENTS],
    properties,
    line_item_properties,
    extra,
  };
}

/**
 * Validates an event; throws a ValidationError (code `invalid_event`, 400) naming the bad field,
 * or a 422 `unknown_event` for an `appointment.*` name the engine does not know.
 */
export function parseEventInput(input: unknown, pathPrefix: ReadonlyArray<PropertyKey> = []): EventInput {
  const result = eventInputSchema.safeParse(input);
  if (!result.success) throw new ValidationError('invalid_event', zodIssues(result.error, pathPrefix));
  const unknown = unknownEventName(result.data.name);
  if (unknown) throw new NudgeError('unknown_event', unknown, { status: 422, path: formatPath([...pathPrefix, 'name']) });
  return result.data;
}

/** The `Idempotency-Key` header, held to the same 1–200 characters as the body's `idempotency_key`. */
export function parseIdempotencyHeader(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const result = idempotencyKeySchema.safeParse(value);
  if (!result.success) throw new ValidationError('invalid_request', zodIssues(result.error, ['Idempotency-Key']));
  return result.data;
}

/**
 * The key that makes an event idempotent: the client's `idempotency_key`, else a hash of the
 * event's content, so the same body posted twice is stored once.
 */
export function idempotencyKeyFor(event: EventInput, headerKey?: string | null): string {
  if (event.idempotency_key) return event.idempotency_key;
  if (headerKey) return headerKey;
  const digest = createHash('sha256').update(canonicalJson(event)).digest('hex');
  return `sha256:${digest}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
