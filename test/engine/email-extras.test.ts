/**
 * Email beyond subject and body, over a real SMTP server: the `.ics` invitation through an
 * appointment's life (created, rescheduled, canceled: one UID, SEQUENCE rising, CANCEL last),
 * language variants chosen by the contact's language, and List-Unsubscribe for marketing only.
 */
import ICAL from 'ical.js';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

/** The text/calendar alternative of a message: its MIME method and the parsed VCALENDAR. */
function calendarOf(mail: ReceivedMail) {
  const parts = mail.parsed.attachments.filter((a) => a.mimeType === 'text/calendar');
  expect(parts).toHaveLength(1);
  const part = parts[0]!;
  const text = typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content);
  const calendar = new ICAL.Component(ICAL.parse(text));
  const event = calendar.getFirstSubcomponent('vevent')!;
  const ics = mail.parsed.attachments.filter((a) => a.filename === 'invite.ics');
  return {
    mimeMethod: part.method,
    attachedAsFile: ics.length === 1,
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    status: event.getFirstPropertyValue('status'),
    start: String(event.getFirstPropertyValue('dtstart')),
    end: String(event.getFirstPropertyValue('dtend')),
    summary: event.getFirstPropertyValue('summary'),
    location: event.getFirstPropertyValue('location'),
    organizer: event.getFirstProperty('organizer')!.getFirstValue(),
    organizerName: event.getFirstProperty('organizer')!.getParameter('cn'),
    attendee: event.getFirstProperty('attendee')!.getFirstValue(),
    attendeeName: event.getFirstProperty('attendee')!.getParameter('cn'),
  };
}

const header = (mail: ReceivedMail, name: string) => mail.parsed.headers.find((h) => h.key === name.toLowerCase())?.value;

describe.each(testDialects())('email extras on %s', (dialect) => {
  let h: Harness;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await smtp.close();
  });
  beforeEach(() => {
    smtp.messages.length = 0;
  });
  afterEach(async () => {
    await h?.close();
  });

  async function setup(flow: Record<string, unknown>) {
    h = await createHarness(dialect, { NUDGE_SMTP_URL: smtp.url });
    const res = await h.api('POST', '/v1/flows?activate=true', { name: 'f', trigger: { event: 'appointment.created' }, ...flow });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  it('attaches an invitation that keeps its UID, raises SEQUENCE on reschedule and cancels on cancel', async () => {
    await setup({
      trigger: { event: ['appointment.created', 'appointment.rescheduled', 'appointment.canceled'] },
      session: { reentry: 'always' },
      steps: [
        {
          id: 'mail',
          email: {
            to: '{{ contact.email }}',
            subject: '{{ event.name }}: {{ event.service_name }}',
            text: 'See you {{ event.datetime }}',
            calendar: true,
          },
        },
      ],
    });
    await h.testStore.store.db.updateTable('workspaces').set({ sender_email: 'Ink & Co, Downtown <hello@ink.test>' }).where('id', '=', h.workspaceId).execute();
    const booking = { appointment: { service_location: 'Main St 1, Springfield', service_duration: 45 }, contact: { first_name: 'Ada', last_name: 'Lovelace' } };
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'cal1', iso(T0 + 26 * H), { email: 'ada@example.com', ...booking }));
    await h.drain();
    h.clock.advance(60_000);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.rescheduled', 'cal1', iso(T0 + 50 * H), { email: 'ada@example.com', ...booking }));
    await h.drain();
    h.clock.advance(60_000);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.canceled', 'cal1', iso(T0 + 50 * H), { email: 'ada@example.com', ...booking }));
    await h.drain();

    const mails = await smtp.waitFor(3);
    expect(mails.map((m) => m.parsed.subject)).toEqual([
      'appointment.created: Tattoo Removal',
      'appointment.rescheduled: Tattoo Removal',
      'appointment.canceled: Tattoo Removal',
    ]);
    const [created, moved, canceled] = mails.map(calendarOf);
    expect(created).toMatchObject({
      mimeMethod: 'REQUEST',
      attachedAsFile: true,
      method: 'REQUEST',
      status: 'CONFIRMED',
      start: iso(T0 + 26 * H).replace('.000Z', 'Z'),
      end: iso(T0 + 26 * H + 45 * 60_000).replace('.000Z', 'Z'),
      summary: 'Tattoo Removal',
      location: 'Main St 1, Springfield',
      organizer: 'mailto:hello@ink.test',
      organizerName: 'Ink & Co, Downtown',
      attendee: 'mailto:ada@example.com',
      attendeeName: 'Ada Lovelace',
    });
    expect(moved).toMatchObject({ mimeMethod: 'REQUEST', method: 'REQUEST', start: iso(T0 + 50 * H).replace('.000Z', 'Z') });
    expect(canceled).toMatchObject({ mimeMethod: 'CANCEL', method: 'CANCEL', status: 'CANCELLED', start: iso(T0 + 50 * H).replace('.000Z', 'Z') });
    expect(new Set([created!.uid, moved!.uid, canceled!.uid]).size).toBe(1);
    expect(created!.sequence).toBeGreaterThanOrEqual(1);
    expect(created!.sequence).toBeLessThan(moved!.sequence);
    expect(moved!.sequence).toBeLessThan(canceled!.sequence);
    expect(mails[0]!.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    expect(mails[2]!.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=CANCEL/i);

    // Another appointment gets another UID.
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'cal2', iso(T0 + 30 * H), { email: 'ada@example.com' }));
    await h.drain();
    const [, , , other] = await smtp.waitFor(4);
    expect(calendarOf(other!).uid).not.toBe(created!.uid);
  });

  it('takes the summary, location and file name from the step, and sends no invitation without an appointment', async () => {
    await setup({
      trigger: { event: ['appointment.created', 'contact.updated'] },
      steps: [
        {
          email: {
            to: '{{ contact.email }}',
            from: 'Studio <hello@studio.test>',
            subject: 'Hi',
            html: '<p>Hi</p>',
            calendar: { summary: '{{ event.service_name }} with {{ event.team_member }}', location: 'Online', filename: 'booking.ics' },
          },
        },
      ],
    });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'cal3', iso(T0 + 26 * H), { email: 'bo@example.com', appointment: { team_member: 'Sam' } }));
    await h.api('POST', '/v1/events', { name: 'contact.updated', contact: { external_id: 'c-9', email: 'cy@example.com' } });
    await h.drain();
    const mails = await smtp.waitFor(2);
    const withInvite = mails.find((m) => m.envelopeTo[0] === 'bo@example.com')!;
    expect(calendarOf(withInvite)).toMatchObject({ summary: 'Tattoo Removal with Sam', location: 'Online', organizer: 'mailto:hello@studio.test', organizerName: 'Studio' });
    expect(withInvite.parsed.attachments.map((a) => a.filename).filter(Boolean)).toEqual(['booking.ics']);
    const without = mails.find((m) => m.envelopeTo[0] === 'cy@example.com')!;
    expect(without.parsed.attachments).toEqual([]);
  });

  it("picks the variant for the contact's language: exact tag, then primary subtag, else the step's own", async () => {
    await setup({
      steps: [
        {
          email: {
            to: '{{ contact.email }}',
            subject: 'Booked: {{ event.service_name }}',
            html: '<p>See you, {{ contact.first_name }}</p>',
            text: 'See you, {{ contact.first_name }}',
            variants: {
              fr: { subject: 'Réservé : {{ event.service_name }}', html: '<p>À bientôt, {{ contact.first_name }}</p>', text: 'À bientôt, {{ contact.first_name }}' },
              'pt-BR': { subject: 'Reservado', text: 'Até logo, {{ contact.first_name }}' },
              de: { subject: 'Gebucht' },
            },
          },
        },
      ],
    });
    const languages = { fr: 'fr', 'fr-CA': 'fr', 'pt-BR': 'pt-BR', de: 'de', it: 'it', none: null };
    for (const [who, language] of Object.entries(languages)) {
      const contact = language === null ? {} : { language };
      const res = await h.api('POST', '/v1/events', appointmentEvent('appointment.created', `lang-${who}`, iso(T0 + 26 * H), { email: `${who}@example.com`, contact }));
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }
    await h.drain();
    const mails = await smtp.waitFor(6);
    const by = (who: string) => {
      const m = mails.find((mail) => mail.envelopeTo[0] === `${who}@example.com`)!;
      return { subject: m.parsed.subject, html: m.parsed.html?.trim(), text: m.parsed.text?.trim() };
    };
    expect(by('fr')).toEqual({ subject: 'Réservé : Tattoo Removal', html: '<p>À bientôt, Ada</p>', text: 'À bientôt, Ada' });
    expect(by('fr-CA')).toEqual(by('fr'));
    expect(by('pt-BR')).toEqual({ subject: 'Reservado', html: undefined, text: 'Até logo, Ada' });
    expect(by('de')).toEqual({ subject: 'Gebucht', html: '<p>See you, Ada</p>', text: 'See you, Ada' });
    expect(by('it')).toEqual({ subject: 'Booked: Tattoo Removal', html: '<p>See you, Ada</p>', text: 'See you, Ada' });
    expect(by('none')).toEqual(by('it'));
    const deliveries = (await h.api('GET', '/v1/deliveries')).body.data as Array<{ request: { to: string; language?: string } }>;
    expect(deliveries.find((d) => d.request.to === 'fr-CA@example.com')?.request.language).toBe('fr');
    expect(deliveries.find((d) => d.request.to === 'it@example.com')?.request.language).toBeUndefined();
  });

  it('adds List-Unsubscribe with one-click only to marketing email', async () => {
    await setup({
      steps: [
        { id: 'transactional', email: { to: '{{ contact.email }}', subject: 'Booked', text: 'Booked' } },
        {
          id: 'newsletter',
          email: {
            to: '{{ contact.email }}',
            subject: 'News',
            text: 'News',
            marketing: true,
            unsubscribe_url: 'https://studio.test/unsubscribe?c={{ contact.id }}&e={{ contact.email }}',
          },
        },
      ],
    });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'mk1', iso(T0 + 26 * H), { email: 'ada@example.com' }));
    await h.drain();
    const [transactional, marketing] = await smtp.waitFor(2);
    expect(transactional!.parsed.subject).toBe('Booked');
    expect(header(transactional!, 'List-Unsubscribe')).toBeUndefined();
    expect(header(transactional!, 'List-Unsubscribe-Post')).toBeUndefined();
    const contactId = (await h.api('GET', '/v1/sessions')).body.data[0].contact_id;
    expect(header(marketing!, 'List-Unsubscribe')).toBe(`<https://studio.test/unsubscribe?c=${contactId}&e=ada@example.com>`);
    expect(header(marketing!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('accepts the example flows of docs/channels/email.md', async () => {
    h = await createHarness(dialect);
    const doc = await readFile(new URL('../../docs/channels/email.md', import.meta.url), 'utf8');
    const flows = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!));
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      const res = await h.api('POST', '/v1/flows/validate', flow);
      expect(res.body.data, flow.name).toMatchObject({ valid: true, errors: [] });
    }
  });

  it('rejects bad settings when the flow is saved', async () => {
    h = await createHarness(dialect);
    const res = await h.api('POST', '/v1/flows/validate', {
      name: 'bad',
      trigger: { event: 'appointment.created' },
      steps: [
        { email: { to: 'x@example.com', subject: 's', text: 't', marketing: true } },
        { email: { to: 'x@example.com', subject: 's', text: 't', marketing: true, unsubscribe_url: 'http://studio.test/u' } },
        { email: { to: 'x@example.com', subject: 's', text: 't', unsubscribe_url: 'https://studio.test/u' } },
        { email: { to: 'x@example.com', subject: 's', text: 't', variants: { 'not a tag': { subject: 'x' }, fr: {} } } },
        { email: { to: 'x@example.com', subject: 's', text: 't', calendar: { sumary: 'x', filename: 'invite.exe' } } },
        { email: { to: 'x@example.com', subject: 's', text: 't', calendar: 'yes' } },
      ],
    });
    expect(res.body.data.errors).toEqual([
      { path: 'steps[0].email.unsubscribe_url', message: 'required when marketing is true', code: 'unsubscribe_required' },
      { path: 'steps[1].email.unsubscribe_url', message: 'expected an https URL (RFC 8058 one-click unsubscribe)', code: 'https_unsubscribe' },
      { path: 'steps[2].email.unsubscribe_url', message: 'only used with marketing: true', code: 'unsubscribe_unused' },
      { path: 'steps[3].email.variants.not a tag', message: 'expected a language tag such as fr or pt-BR', code: 'language_tag' },
      { path: 'steps[3].email.variants.fr', message: 'expected at least one of subject, html, text', code: 'variant_content' },
      { path: 'steps[4].email.calendar.filename', message: 'expected a file name ending in .ics', code: 'ics_filename' },
      { path: 'steps[4].email.calendar.sumary', message: 'unknown field', code: 'unknown_field' },
      { path: 'steps[5].email.calendar', message: 'expected true, false or an object', code: 'calendar_value' },
    ]);
  });
});
