/**
 * iCalendar invitations for appointments (RFC 5545 objects, RFC 5546 iTIP methods, sent per
 * RFC 6047 as a `text/calendar; method=…` part).
 *
 * Written by hand rather than with a library: we need one VEVENT with a dozen properties, and the
 * parts that are easy to get wrong — TEXT escaping, folding at 75 octets on UTF-8 boundaries, UTC
 * times — fit in the functions below, each tested. (`ical-generator`, the popular choice, needs
 * Node 22 in its current major and pulls optional date-library peers; `ics` validates with yup.)
 *
 * One appointment keeps one UID (from its workspace and id), and SEQUENCE is the appointment's
 * revision, which rises on every change: a reschedule is a REQUEST with a higher SEQUENCE that
 * calendar clients apply over the earlier one; a cancel is a CANCEL with a higher SEQUENCE still.
 */
import { createHash } from 'node:crypto';

export type CalendarMethod = 'REQUEST' | 'CANCEL';

export interface Mailbox {
  email: string;
  name?: string | undefined;
}

export interface AppointmentInvite {
  method: CalendarMethod;
  uid: string;
  /** The appointment's revision. */
  sequence: number;
  /** When this object was made (the engine clock), ms. */
  stamp: number;
  start: number;
  /** Absent (no DTEND) when the appointment has no positive duration. */
  end?: number | undefined;
  summary: string;
  location?: string | undefined;
  description?: string | undefined;
  organizer: Mailbox;
  attendee: Mailbox;
}

const PRODID = '-//Nudge//Appointment invitations//EN';
const MAX_LINE_OCTETS = 75;

/** A UID stable for one appointment of one workspace, whatever flow or sender mails it. */
export function appointmentUid(workspaceId: string, appointmentId: string): string {
  const digest = createHash('sha256').update(`${workspaceId}\n${appointmentId}`).digest('hex').slice(0, 32);
  return `${digest}@nudge`;
}

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newlines; other controls dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
}

/** A parameter value (RFC 5545 §3.2): quoted when it holds `:`, `;` or `,`; DQUOTE and controls cannot appear at all. */
export function paramValue(value: string): string {
  const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** `20260302T140000Z`. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Folds one content line (RFC 5545 §3.1): at most 75 octets per line, continuation lines start
 * with a space, and a multi-byte UTF-8 character is never split.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_LINE_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

function mailto(mailbox: Mailbox, params: string[] = []): string {
  const cn = mailbox.name ? [`CN=${paramValue(mailbox.name)}`] : [];
  return [...cn, ...params].map((p) => `;${p}`).join('') + `:mailto:${mailbox.email}`;
}

/** The VCALENDAR text, CRLF line ends, folded. */
export function writeInvite(invite: AppointmentInvite): string {
  const canceled = invite.method === 'CANCEL';
  // RSVP=FALSE: Nudge does not read replies, so clients should not offer to send one.
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    `METHOD:${invite.method}`,
    'BEGIN:VEVENT',
    `UID:${escapeText(invite.uid)}`,
    `SEQUENCE:${invite.sequence}`,
    `DTSTAMP:${formatUtc(invite.stamp)}`,
    `DTSTART:${formatUtc(invite.start)}`,
    ...(invite.end !== undefined ? [`DTEND:${formatUtc(invite.end)}`] : []),
    `SUMMARY:${escapeText(invite.summary)}`,
    ...(invite.location ? [`LOCATION:${escapeText(invite.location)}`] : []),
    ...(invite.description ? [`DESCRIPTION:${escapeText(invite.description)}`] : []),
    `ORGANIZER${mailto(invite.organizer)}`,
    `ATTENDEE${mailto(invite.attendee, ['ROLE=REQ-PARTICIPANT', 'PARTSTAT=NEEDS-ACTION', 'RSVP=FALSE'])}`,
    `STATUS:${canceled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

/**
 * The first mailbox in an address header value: `Studio <hello@studio.example>`,
 * `"Studio, Inc." <hello@…>` or `hello@…`; null when none is found.
 */
export function parseMailbox(text: string): Mailbox | null {
  const angle = /^\s*(?:"([^"]*)"|([^<"]*?))\s*<([^<>\s]+@[^<>\s]+)>/.exec(text);
  if (angle) {
    const name = (angle[1] ?? angle[2] ?? '').trim();
    return { email: angle[3] as string, ...(name ? { name } : {}) };
  }
  const bare = /^\s*([^\s<>,;"]+@[^\s<>,;"]+)/.exec(text);
  return bare ? { email: bare[1] as string } : null;
}
