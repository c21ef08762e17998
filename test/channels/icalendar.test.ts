/** The iCalendar writer: escaping, folding on UTF-8 boundaries, UTC times; parsed back with ical.js. */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { appointmentCalendar, chooseContent, pickLanguage, unsubscribeHeaders } from '../../src/channels/email/email-content.js';
import { appointmentUid, escapeText, foldLine, formatUtc, parseMailbox, writeInvite, type AppointmentInvite } from '../../src/channels/email/icalendar.js';
import type { EmailStep } from '../../src/core/flow-definition.js';

const invite: AppointmentInvite = {
  method: 'REQUEST',
  uid: appointmentUid('ws_1', 'apt_123'),
  sequence: 2,
  stamp: Date.parse('2026-03-01T09:00:00.123Z'),
  start: Date.parse('2026-03-02T14:00:00Z'),
  end: Date.parse('2026-03-02T14:45:00Z'),
  summary: 'Haircut; wash, dry\\style\nwith Sam — ☕ '.repeat(3),
  location: 'Downtown Studio, Main St 1',
  organizer: { email: 'bookings@studio.example', name: 'Studio: Downtown, "Main"' },
  attendee: { email: 'ada@example.com', name: 'Ada Lovelace' },
};

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const event = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, event };
}

describe('iCalendar text', () => {
  it('escapes TEXT values', () => {
    expect(escapeText('a\\b;c,d\r\ne\nf\u0007g')).toBe('a\\\\b\\;c\\,d\\ne\\nfg');
  });

  it('folds at 75 octets without splitting a UTF-8 character', () => {
    const line = `SUMMARY:${'é'.repeat(50)}${'☕'.repeat(30)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.length).toBeGreaterThan(2);
    for (const part of folded) {
      expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
      expect(part).not.toContain('\uFFFD');
    }
    expect(folded.slice(1).every((part) => part.startsWith(' '))).toBe(true);
    expect(folded.map((part, i) => (i === 0 ? part : part.slice(1))).join('')).toBe(line);
  });

  it('writes UTC times', () => {
    expect(formatUtc(Date.parse('2026-03-02T14:00:00.999Z'))).toBe('20260302T140000Z');
  });

  it('writes an invitation that a calendar parser reads back exactly', () => {
    const text = writeInvite(invite);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
    const { calendar, event } = parse(text);
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(event.getFirstPropertyValue('uid')).toBe(invite.uid);
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
    expect(event.getFirstPropertyValue('summary')).toBe(invite.summary);
    expect(event.getFirstPropertyValue('location')).toBe('Downtown Studio, Main St 1');
    expect(String(event.getFirstPropertyValue('dtstart'))).toBe('2026-03-02T14:00:00Z');
    expect(String(event.getFirstPropertyValue('dtend'))).toBe('2026-03-02T14:45:00Z');
    expect(String(event.getFirstPropertyValue('dtstamp'))).toBe('2026-03-01T09:00:00Z');
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const organizer = event.getFirstProperty('organizer')!;
    expect(organizer.getFirstValue()).toBe('mailto:bookings@studio.example');
    expect(organizer.getParameter('cn')).toBe('Studio: Downtown, Main');
    const attendee = event.getFirstProperty('attendee')!;
    expect(attendee.getFirstValue()).toBe('mailto:ada@example.com');
    expect(attendee.getParameter('cn')).toBe('Ada Lovelace');
    expect(attendee.getParameter('rsvp')).toBe('FALSE');
  });

  it('writes a cancellation with the same UID', () => {
    const { calendar, event } = parse(writeInvite({ ...invite, method: 'CANCEL', sequence: 3, end: undefined }));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('uid')).toBe(invite.uid);
    expect(event.getFirstPropertyValue('dtend')).toBeNull();
  });

  it('derives one UID per appointment of a workspace', () => {
    expect(appointmentUid('ws_1', 'apt_123')).toBe(appointmentUid('ws_1', 'apt_123'));
    expect(appointmentUid('ws_2', 'apt_123')).not.toBe(appointmentUid('ws_1', 'apt_123'));
    expect(appointmentUid('ws_1', 'apt_123')).toMatch(/^[0-9a-f]{32}@nudge$/);
  });

  it('reads the first mailbox of an address header', () => {
    expect(parseMailbox('Studio <hello@studio.example>')).toEqual({ email: 'hello@studio.example', name: 'Studio' });
    expect(parseMailbox('"Studio, Inc." <hello@studio.example>')).toEqual({ email: 'hello@studio.example', name: 'Studio, Inc.' });
    expect(parseMailbox('hello@studio.example, other@example.com')).toEqual({ email: 'hello@studio.example' });
    expect(parseMailbox('nobody')).toBeNull();
  });
});

describe('email content', () => {
  const step: EmailStep = {
    to: 'x',
    subject: 'Booked',
    html: '<p>Booked</p>',
    text: 'Booked',
    variants: { fr: { subject: 'Réservé', html: '<p>Réservé</p>' }, 'pt-BR': { text: 'Reservado' }, de: { subject: 'Gebucht' } },
  };

  it('picks the exact tag, then the primary subtag, case-insensitively', () => {
    const tags = Object.keys(step.variants!);
    expect(pickLanguage(tags, 'fr')).toBe('fr');
    expect(pickLanguage(tags, 'fr-CA')).toBe('fr');
    expect(pickLanguage(tags, 'FR_ca')).toBe('fr');
    expect(pickLanguage(tags, 'pt-br')).toBe('pt-BR');
    expect(pickLanguage(tags, 'pt')).toBeNull(); // pt-BR is not a fallback for pt
    expect(pickLanguage(tags, 'en')).toBeNull();
    expect(pickLanguage(tags, null)).toBeNull();
  });

  it('takes a variant body as a whole and falls back to the step subject', () => {
    expect(chooseContent(step, 'fr')).toEqual({
      language: 'fr',
      subject: { template: 'Réservé', field: 'variants.fr.subject' },
      html: { template: '<p>Réservé</p>', field: 'variants.fr.html' },
      text: undefined,
    });
    expect(chooseContent(step, 'pt-BR')).toMatchObject({ subject: { template: 'Booked' }, html: undefined, text: { template: 'Reservado' } });
    expect(chooseContent(step, 'de')).toMatchObject({ subject: { template: 'Gebucht' }, html: { template: '<p>Booked</p>' }, text: { template: 'Booked' } });
    expect(chooseContent(step, 'it')).toMatchObject({ language: null, subject: { field: 'subject' } });
  });

  it('adds one-click List-Unsubscribe headers for https URLs only', () => {
    expect(unsubscribeHeaders('https://studio.example/u?c=1&t=a b')).toEqual({
      'List-Unsubscribe': '<https://studio.example/u?c=1&t=a%20b>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(() => unsubscribeHeaders('http://studio.example/u')).toThrow('unsubscribe_url: expected an https URL, got "http://studio.example/u"');
    expect(() => unsubscribeHeaders('')).toThrow(/https/);
  });

  it('builds no invitation without an appointment', () => {
    expect(appointmentCalendar({ workspace: { id: 'ws' }, appointment: {}, contact: {} }, {}, { from: 'a@b.c', to: 'd@e.f' }, 0)).toBeNull();
  });
});
