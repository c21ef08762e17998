/**
 * What a vendor module decides a verified webhook means, before anything is stored: the events to
 * ingest (as `POST /v1/events` takes them), links between the vendor's booking ids, or why it is
 * ignored or cannot be used.
 */
import type { FieldIssue } from '../errors.js';

export interface BookingEvent {
  /** An event as `POST /v1/events` takes it. With `booking`, the engine sets `appointment.id`. */
  event: Record<string, unknown>;
  /**
   * The vendor's booking the event is about, and the booking it replaces when a reschedule made a
   * new one (Cal.com's `rescheduleUid`, Calendly's `old_invitee`): the appointment stays the one
   * the replaced booking belongs to.
   */
  booking?: { id: string; replaces?: string | undefined };
  /**
   * Apply only when the appointment's stored start differs from the event's (a vendor that says a
   * booking was updated but not what changed: Square). An appointment not stored yet counts as changed.
   */
  ifStartChanged?: boolean;
}

/** `booking` belongs to the same appointment as `sameAs` (a reschedule announced before its new booking). */
export interface BookingLink {
  booking: string;
  sameAs: string;
}

export type SourceDecision =
  | { outcome: 'events'; vendorEvent: string | null; events: BookingEvent[]; links?: BookingLink[] }
  | { outcome: 'ignored'; vendorEvent: string | null; reason: string; links?: BookingLink[] }
  | { outcome: 'invalid'; vendorEvent: string | null; issues: FieldIssue[] };

/** The text at `value` when it is a non-empty string, else undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `value` as a plain object, or an empty one. */
export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** An ISO time with a zone, or undefined (so a vendor's odd value never makes the event invalid by itself). */
export function isoTime(value: unknown): string | undefined {
  const t = text(value);
  return t !== undefined && /(Z|[+-]\d\d:?\d\d)$/.test(t) && !Number.isNaN(Date.parse(t)) ? t : undefined;
}

/** Drops undefined fields, so an event body holds only what the vendor sent. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
