/**
 * What an email step sends beyond its templates: the language variant chosen for the contact,
 * the List-Unsubscribe headers of marketing email, and the calendar invitation built from the
 * session's appointment. Pure functions over the step and the template variables; the engine
 * renders the templates they point at.
 */
import type { EmailStep } from '../../core/flow-definition.js';
import { appointmentUid, parseMailbox, writeInvite, type CalendarMethod, type Mailbox } from './icalendar.js';
import { ValidationError } from '../../core/errors.js';
import { issueAt } from '../../core/issue-codes.js';

/** A template and the field (under the step's `email.` path) its errors are reported at. */
export interface ContentField {
  template: string;
  field: string;
}

export interface ChosenContent {
  /** The variant's tag as written in the step, or null for the step's own fields. */
  language: string | null;
  subject: ContentField;
  html?: ContentField | undefined;
  text?: ContentField | undefined;
}

/**
 * The variant tag for a contact's language: the exact tag (case-insensitive, `_` read as `-`),
 * else the language's primary subtag (`pt-BR` → `pt`); null when neither is a variant.
 */
export function pickLanguage(tags: readonly string[], language: unknown): string | null {
  if (typeof language !== 'string' || language.trim() === '') return null;
  const wanted = language.trim().replace(/_/g, '-').toLowerCase();
  const primary = wanted.split('-')[0];
  const byLower = new Map(tags.map((tag) => [tag.toLowerCase(), tag]));
  return byLower.get(wanted) ?? (primary !== undefined ? byLower.get(primary) : undefined) ?? null;
}

/**
 * The subject and body to render for a contact. A variant's subject falls back to the step's; its
 * body (html and text together) replaces the step's when it has either, so the parts of one
 * message are always in one language.
 */
export function chooseContent(step: EmailStep, language: unknown): ChosenContent {
  const own = (name: 'html' | 'text') => (step[name] === undefined ? undefined : { template: step[name], field: name });
  const tag = pickLanguage(Object.keys(step.variants ?? {}), language);
  const variant = tag === null ? undefined : step.variants?.[tag];
  if (tag === null || variant === undefined) return { language: null, subject: { template: step.subject, field: 'subject' }, html: own('html'), text: own('text') };
  const at = (name: string) => `variants.${tag}.${name}`;
  const subject = variant.subject !== undefined ? { template: variant.subject, field: at('subject') } : { template: step.subject, field: 'subject' };
  if (variant.html === undefined && variant.text === undefined) return { language: tag, subject, html: own('html'), text: own('text') };
  return {
    language: tag,
    subject,
    html: variant.html === undefined ? undefined : { template: variant.html, field: at('html') },
    text: variant.text === undefined ? undefined : { template: variant.text, field: at('text') },
  };
}

/**
 * RFC 2369 `List-Unsubscribe` with RFC 8058 one-click: mailbox providers POST
 * `List-Unsubscribe=One-Click` to the URL, which must be https. Throws when it is not.
 */
export function unsubscribeHeaders(url: string, field = 'unsubscribe_url'): Record<string, string> {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url.trim());
  } catch {
    parsed = null;
  }
  if (parsed?.protocol !== 'https:') throw new ValidationError('invalid_step_input', [issueAt(field, 'rendered_https', { url })]);
  return { 'List-Unsubscribe': `<${parsed.href}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** The calendar part of an email, as nodemailer's `icalEvent` takes it (plus what the log shows). */
export interface EmailCalendar {
  method: CalendarMethod;
  filename: string;
  /** The VCALENDAR text. */
  content: string;
  uid: string;
  sequence: number;
}

/** The template variables the invitation is built from (`workspace.*`, `appointment.*`, `contact.*`). */
export interface InviteVariables {
  workspace: Record<string, unknown>;
  appointment: Record<string, unknown>;
  contact: Record<string, unknown>;
}

/** The step's calendar options, rendered; absent fields take the defaults. */
export interface CalendarTexts {
  summary?: string | undefined;
  location?: string | undefined;
  description?: string | undefined;
  filename?: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * The invitation for the session's appointment, or null when the session has none. CANCEL once
 * the appointment is canceled, REQUEST otherwise. The organizer is the sender; the attendee the
 * contact (their address, else the first recipient).
 */
export function appointmentCalendar(
  vars: InviteVariables,
  texts: CalendarTexts,
  people: { from: string; to: string },
  nowMs: number,
  field = 'calendar',
): EmailCalendar | null {
  const { from, to } = people;
  const a = vars.appointment;
  const id = str(a.id);
  const start = Date.parse(String(a.start_at ?? ''));
  const end = Date.parse(String(a.end_at ?? ''));
  if (id === undefined || !Number.isFinite(start)) return null;
  const organizer = parseMailbox(from);
  if (!organizer) throw new ValidationError('invalid_step_input', [issueAt(field, 'no_organizer', { from })]);
  const attendee = contactMailbox(vars.contact) ?? parseMailbox(to);
  if (!attendee) throw new ValidationError('invalid_step_input', [issueAt(field, 'no_attendee', { to })]);
  const method: CalendarMethod = a.status === 'canceled' ? 'CANCEL' : 'REQUEST';
  const uid = appointmentUid(String(vars.workspace.id ?? ''), id);
  const sequence = typeof a.revision === 'number' ? a.revision : 0;
  const content = writeInvite({
    method,
    uid,
    sequence,
    stamp: nowMs,
    start,
    end: Number.isFinite(end) && end > start ? end : undefined,
    summary: str(texts.summary) ?? str(a.service_name) ?? 'Appointment',
    location: texts.location !== undefined ? str(texts.location) : str(a.service_location),
    description: str(texts.description),
    organizer,
    attendee,
  });
  return { method, filename: texts.filename ?? 'invite.ics', content, uid, sequence };
}

function contactMailbox(contact: Record<string, unknown>): Mailbox | null {
  const email = str(contact.email);
  if (!email) return null;
  const name = str(contact.name) ?? ([str(contact.first_name), str(contact.last_name)].filter(Boolean).join(' ') || undefined);
  return { email, ...(name ? { name } : {}) };
}
