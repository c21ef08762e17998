/**
 * Erasing a contact, on both stores: after flows sent it webhooks and an email and a booking system
 * sent its booking, its email, phone and name appear in no column of any table (found through
 * the database's own catalog), every table keeps its rows, its open session was stopped, another
 * contact is untouched, a second erasure changes nothing, and only owners and admins may erase.
 */
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/store/repositories/workspaces.js';
import { findText, rowCounts } from '../helpers/database-search.js';
import { activeFlow, T0, useHarnessAndReceiver, type Harness } from '../helpers/harness.js';
import { calcomBody, calcomHeaders, createSource, deliver } from '../helpers/source-fixtures.js';
import { testDialects } from '../helpers/test-store.js';

const EMAIL = 'quentin.zyxwvut-erase@example.org';
const PHONE = '+14155550987';
const NAME = 'Quentin Zyxwvut';
const OTHER = 'keep.me-erasure@example.net';
const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

const personal = { email: '{{ contact.email }}', name: '{{ contact.name }}', phone: '{{ contact.phone }}' };

async function bookThroughCalcom(h: Harness, uid: string, email: string, name: string, phone: string): Promise<void> {
  const source = await createSource(h, 'calcom');
  const attendee = { email, name, phoneNumber: phone, timeZone: 'Europe/London', language: { locale: 'en' } };
  const body = JSON.stringify(
    calcomBody('BOOKING_CREATED', {
      uid, start: iso(T0 + 48 * H), end: iso(T0 + 49 * H), createdAt: iso(T0), email,
      extra: { attendees: [attendee], title: `60min between Pro Example and ${name}`, responses: { name: { value: name }, email: { value: email } } },
    }),
  );
  const res = await deliver(h, source.path, body, calcomHeaders(source.secret, body));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describe.each(testDialects())('contact erasure (%s)', (dialect) => {
  const ctx = useHarnessAndReceiver(dialect);

  it('leaves the email, phone and name nowhere in the database, and every row in place', async () => {
    const { h, receiver } = ctx;
    await activeFlow(h, {
      name: 'welcome',
      trigger: { event: 'appointment.created' },
      session: { key: 'k-{{ contact.email }}' },
      steps: [
        { id: 'hook', webhook: { url: `${receiver.url}/hook`, body: personal } },
        { id: 'mail', email: { to: '{{ contact.email }}', subject: 'Hi {{ contact.name }}', text: 'We call {{ contact.phone }}' } },
        { id: 'pause', wait: { duration: '1h' } },
        { id: 'later', webhook: { url: `${receiver.url}/later`, body: personal } },
      ],
    });
    await activeFlow(h, { name: 'remind', trigger: { appointment: { anchor: 'start', before: '24h' } }, steps: [{ id: 'r', webhook: { url: `${receiver.url}/remind`, body: personal } }] });
    await activeFlow(h, { name: 'note', trigger: { event: 'note.added' }, steps: [{ id: 'fail', webhook: { url: `${receiver.url}/fail`, body: personal } }] });
    receiver.respondWith({ status: 200, body: JSON.stringify({ hello: NAME, email: EMAIL }) }, { status: 400, body: `unknown ${EMAIL} ${PHONE}` });

    await bookThroughCalcom(h, 'bk-erase', EMAIL, NAME, PHONE);
    await h.drain();
    const noted = await h.api('POST', '/v1/events', { name: 'note.added', contact: { email: EMAIL }, properties: { said: `${NAME} at ${PHONE}` } });
    expect(noted.status, JSON.stringify(noted.body)).toBe(202);
    await h.drain();
    await h.api('POST', '/v1/events', { name: 'other.thing', contact: { email: OTHER, name: 'Kept Person' } });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook', '/fail']);

    const needles = [EMAIL, PHONE, NAME, PHONE.slice(1)];
    expect((await findText(h.testStore, needles)).length).toBeGreaterThan(10);
    const contact = (await h.api('GET', `/v1/contacts?email=${encodeURIComponent(EMAIL)}`)).body.data[0];
    const sessions = (await h.api('GET', `/v1/sessions?contact_id=${contact.id}`)).body.data;
    expect(sessions.map((s: any) => s.status).sort()).toEqual(['failed', 'waiting']);
    const before = await rowCounts(h.testStore);

    const erased = await h.api('POST', `/v1/contacts/${contact.id}/erase`);
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.data).toMatchObject({ contact_id: contact.id, erased_now: true, erased_at: iso(T0), sessions_stopped: 1 });
    expect(erased.body.data.counts).toMatchObject({ contacts: 1, events: 2, appointments: 1, deliveries: 3, outbox: 1, source_deliveries: 1 });

    expect(await findText(h.testStore, needles)).toEqual([]);
    const after = await rowCounts(h.testStore);
    // The stop is logged on the session and takes its timer, as any stop; the appointment's pending
    // reminder goes too; the erasure is recorded and audited. Nothing else changes in number.
    expect(before.timers).toBe(2);
    expect(after).toEqual({ ...before, timers: 0, session_logs: before.session_logs! + 1, contact_erasures: 1, audit_log: before.audit_log! + 1 });
    // A flow activated later schedules no reminder for the erased contact's appointment.
    await activeFlow(h, { name: 'remind later', trigger: { appointment: { anchor: 'start', before: '2h' } }, steps: [{ id: 'r', webhook: { url: `${receiver.url}/remind`, body: personal } }] });
    expect((await rowCounts(h.testStore)).timers).toBe(0);

    const stopped = (await h.api('GET', `/v1/sessions?contact_id=${contact.id}&status=stopped`)).body.data;
    expect(stopped).toHaveLength(1);
    h.clock.set(T0 + 47 * H);
    await h.drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook', '/fail']);

    // A send under way during the erasure records its delivery when it finishes, and an event
    // accepted at that moment may reach the contact: the worker's next cleanup pass blanks them.
    const late = sessions.find((s: any) => s.status === 'waiting').id;
    await h.testStore.store.db.insertInto('deliveries').values({
      id: 'dl_late', workspace_id: h.workspaceId, session_id: late, flow_id: sessions[0].flow_id, step_id: 'later', channel: 'webhook', attempt: 1,
      idempotency_key: 'late', status: 'failed', request_json: JSON.stringify({ body: { email: EMAIL } }), response_json: JSON.stringify({ body: NAME }),
      error: `HTTP 400: ${PHONE}`, duration_ms: 5, created_at: T0 + 2 * H,
    }).execute();
    await h.testStore.store.db.updateTable('contacts').set({ name: NAME }).where('id', '=', contact.id).execute();
    await h.testStore.store.db.updateTable('events').set({ payload_json: JSON.stringify({ said: PHONE }) }).where('contact_id', '=', contact.id).where('name', '=', 'note.added').execute();
    expect(await findText(h.testStore, [EMAIL])).toEqual(['deliveries.request_json holds ' + EMAIL]);
    await h.engine.retention.runOnce();
    expect(await findText(h.testStore, needles)).toEqual([]);

    const kept = (await h.api('GET', `/v1/contacts?email=${encodeURIComponent(OTHER)}`)).body.data;
    expect(kept).toHaveLength(1);
    expect(kept[0].name).toBe('Kept Person');
    const audit = (await h.api('GET', '/v1/audit-log?action=contact.erased')).body.data;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'contact.erased', target: { kind: 'contact', id: contact.id } });
  });

  it('is idempotent, names the contact by Nudge id in the audit log, and is for owners and admins only', async () => {
    const { h } = ctx;
    await h.api('POST', '/v1/contacts', { external_id: 'cust-zyx-77', email: EMAIL, name: NAME, phone: PHONE });
    for (const role of ['staff'] as const) {
      const { key } = await createApiKey(h.testStore.store.db, h.workspaceId, role, T0, role);
      const headers = { authorization: `Bearer ${key}` };
      expect((await h.api('POST', '/v1/contacts/cust-zyx-77/erase', undefined, headers)).status).toBe(403);
      expect((await h.api('GET', '/v1/contacts/cust-zyx-77/export', undefined, headers)).status).toBe(403);
      expect((await h.api('GET', '/v1/contacts.csv', undefined, headers)).status).toBe(403);
    }
    const { key: admin } = await createApiKey(h.testStore.store.db, h.workspaceId, 'admin', T0, 'admin');
    const first = await h.api('POST', '/v1/contacts/cust-zyx-77/erase', undefined, { authorization: `Bearer ${admin}` });
    expect(first.status).toBe(200);
    const id = first.body.data.contact_id;
    expect(id).toMatch(/^ct_/);
    h.clock.advance(60_000);
    const again = await h.api('POST', `/v1/contacts/${id}/erase`);
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ contact_id: id, erased_now: false, erased_at: iso(T0), sessions_stopped: 0 });
    // The external id went with the rest of the contact's identity.
    expect((await h.api('POST', '/v1/contacts/cust-zyx-77/erase')).body.error.code).toBe('not_found');
    expect((await h.api('POST', '/v1/contacts/ct_nope/erase')).status).toBe(404);
    const audit = (await h.api('GET', '/v1/audit-log?action=contact.erased')).body.data;
    expect(audit.map((a: any) => a.target.id)).toEqual([id, id]);
    expect(await findText(h.testStore, ['cust-zyx-77', EMAIL, NAME, PHONE])).toEqual([]);
    const exported = await h.api('GET', `/v1/contacts/${id}/export`);
    expect(exported.body.data.erasure).toMatchObject({ erased_at: iso(T0), counts: { contacts: 1 } });
    expect(exported.body.data.contact).toMatchObject({ email: null, phone: null, name: null, external_id: null });
  });
});
