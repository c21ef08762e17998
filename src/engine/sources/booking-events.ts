/**
 * From a vendor's decision to ingested events. Events about a vendor booking get the appointment
 * id of the booking chain they belong to: the id a reschedule replaced, followed through the links
 * earlier reschedules left (`source_bookings`), else the booking's own id, prefixed with the kind
 * (`calcom:<uid>`). The events then go through `ingestEvents`, the path `POST /v1/events` takes, so
 * a redelivery is a duplicate of the same idempotency key and applies nothing new.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ValidationError, type FieldIssue } from '../../core/errors.js';
import type { BookingEvent, BookingLink, SourceDecision } from '../../core/sources/source-decision.js';
import type { Database, Workspace } from '../../store/schema.js';
import { appointmentStart, findBookingKey, linkBooking } from '../../store/repositories/sources.js';
import type { EngineContext } from '../engine-context.js';
import { parseEventInput, type EventInput } from '../event-input.js';
import { ingestEvents, type IngestResult } from '../ingest.js';

/** Longest appointment id an event takes; longer vendor ids are hashed to fit. */
const MAX_KEY = 200;

interface Prepared {
  inputs: EventInput[];
  links: Array<{ bookingId: string; appointmentKey: string }>;
  /** Optional fields left out because their values were not valid. */
  dropped: FieldIssue[];
}

function ownKey(kind: string, bookingId: string): string {
  const key = `${kind}:${bookingId}`;
  return key.length <= MAX_KEY ? key : `${kind}:sha256:${createHash('sha256').update(bookingId).digest('hex')}`;
}

async function keyOf(db: Kysely<Database>, workspaceId: string, kind: string, bookingId: string): Promise<string> {
  return (await findBookingKey(db, workspaceId, kind, bookingId)) ?? ownKey(kind, bookingId);
}

async function withAppointmentKey(db: Kysely<Database>, workspaceId: string, kind: string, item: BookingEvent, links: Prepared['links']) {
  if (!item.booking) return item.event;
  const { id, replaces } = item.booking;
  const key = await keyOf(db, workspaceId, kind, replaces ?? id);
  if (key !== ownKey(kind, id)) links.push({ bookingId: id, appointmentKey: key });
  return { ...item.event, appointment: { ...(item.event.appointment as Record<string, unknown> | undefined), id: key } };
}

/** True when the event is conditional on a moved start and the stored appointment already starts then. */
async function startUnchanged(db: Kysely<Database>, workspaceId: string, item: BookingEvent, event: Record<string, unknown>): Promise<boolean> {
  if (!item.ifStartChanged) return false;
  const appointment = event.appointment as { id: string; start_at?: string };
  const stored = await appointmentStart(db, workspaceId, appointment.id);
  return stored !== undefined && appointment.start_at !== undefined && stored === Date.parse(appointment.start_at);
}

/**
 * Fields a vendor may send that an event can do without: a bad one (a time zone Nudge does not
 * know, a malformed phone) is dropped, and the booking is applied without it, rather than the
 * whole delivery refused (which the vendor would retry for days, and then the reminder is lost).
 * The booking's identity and time (`appointment.id`, `.start_at`) and the event's name are never dropped.
 */
const KEPT_ALWAYS = new Set(['name', 'appointment', 'appointment.id', 'appointment.start_at', 'contact']);

/** `event` as `POST /v1/events` takes it, less its bad optional fields (reported as `dropped`); throws a ValidationError otherwise. */
function parseLeniently(event: Record<string, unknown>, prefix: ReadonlyArray<string | number>, dropped: FieldIssue[]): EventInput {
  const own = (path: string) => (prefix.length > 0 ? path.replace(/^events\[\d+\]\./, '') : path);
  const left: FieldIssue[] = [];
  let current = event;
  for (;;) {
    try {
      const input = parseEventInput(current, prefix);
      dropped.push(...left);
      return input;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const issues = error.details ?? [{ path: error.path ?? '', message: error.message }];
      const droppable = issues.filter((i) => /^(contact|appointment)\.[a-z_]+$/.test(own(i.path)) && !KEPT_ALWAYS.has(own(i.path)));
      // Something it cannot do without: refused, naming the fields already left out as well.
      if (droppable.length === 0 || droppable.length < issues.length) throw new ValidationError(error.code, [...left, ...issues]);
      const next: Record<string, unknown> = { ...current };
      for (const issue of droppable) {
        const [part, field] = own(issue.path).split('.') as [string, string];
        const { [field]: _bad, ...rest } = next[part] as Record<string, unknown>;
        next[part] = rest;
      }
      left.push(...droppable);
      current = next;
    }
  }
}

/**
 * The decision's events, validated as `POST /v1/events` validates them (less those conditional on a
 * start that did not move, and less bad optional fields, listed in `dropped`), and the links to
 * record; throws a ValidationError.
 */
export async function prepareEvents(
  db: Kysely<Database>,
  workspaceId: string,
  kind: string,
  events: readonly BookingEvent[],
  extraLinks: readonly BookingLink[] = [],
): Promise<Prepared> {
  const prepared: Prepared = { inputs: [], links: [], dropped: [] };
  const issues: FieldIssue[] = [];
  for (const [i, item] of events.entries()) {
    const event = await withAppointmentKey(db, workspaceId, kind, item, prepared.links);
    if (await startUnchanged(db, workspaceId, item, event)) continue;
    try {
      prepared.inputs.push(parseLeniently(event, events.length > 1 ? ['events', i] : [], prepared.dropped));
    } catch (error) {
      if (error instanceof ValidationError) issues.push(...(error.details ?? [{ path: error.path ?? '', message: error.message }]));
      else throw error;
    }
  }
  if (issues.length > 0) throw new ValidationError('unmappable', issues);
  for (const link of extraLinks) {
    prepared.links.push({ bookingId: link.booking, appointmentKey: await keyOf(db, workspaceId, kind, link.sameAs) });
  }
  return prepared;
}

/** "applied without contact.timezone (unknown IANA timezone)": what a delivery's record says of dropped fields. */
export function droppedReason(dropped: readonly FieldIssue[]): string | null {
  if (dropped.length === 0) return null;
  return `applied without ${dropped.map((i) => `${i.path} (${i.message})`).join(', ')}`;
}

export interface Applied {
  outcome: 'applied' | 'ignored';
  reason: string | null;
  results: IngestResult[];
}

/**
 * Records the decision's booking links, then ingests its events. Links first: they are facts about
 * the vendor's ids, and a retry after a failed ingest finds them. Throws a ValidationError
 * (`unmappable`) when the body does not make a valid event.
 */
export async function applyDecision(ctx: EngineContext, workspace: Workspace, kind: string, decision: SourceDecision): Promise<Applied> {
  if (decision.outcome === 'invalid') throw new ValidationError('unmappable', decision.issues);
  const events = decision.outcome === 'events' ? decision.events : [];
  const prepared = await prepareEvents(ctx.store.db, workspace.id, kind, events, decision.links);
  const now = ctx.clock.now();
  for (const link of prepared.links) await linkBooking(ctx.store.db, { workspaceId: workspace.id, kind, ...link }, now);
  if (decision.outcome === 'ignored') return { outcome: 'ignored', reason: decision.reason, results: [] };
  if (prepared.inputs.length === 0) return { outcome: 'ignored', reason: 'the booking changed, but not its start: nothing to move', results: [] };
  const results = await ingestEvents(ctx, workspace, prepared.inputs);
  return { outcome: 'applied', reason: droppedReason(prepared.dropped), results };
}
