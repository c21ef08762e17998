/**
 * Exports on both stores: one contact's JSON holds exactly what the API's own endpoints show for
 * it (contact, events, appointments, sessions with timelines, deliveries, emails); the CSV of all
 * contacts streams every contact across pages, escaped as RFC 4180 says and guarded against
 * formula injection.
 */
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/engine/contact-csv.js';
import { upsertContact } from '../../src/store/repositories/contacts.js';
import { plainWork } from '../../src/store/unit-of-work.js';
import { activeFlow, appointmentEvent, T0, useHarnessAndReceiver, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Every page of a listing. */
async function all(h: Harness, path: string, limit = 2): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: any } = await h.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

/** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += ch;
  }
  expect(field).toBe('');
  return rows;
}

describe.each(testDialects())('contact exports (%s)', (dialect) => {
  const ctx = useHarnessAndReceiver(dialect);

  it('exports everything the API shows for the contact, and nothing of others', async () => {
    const { h, receiver } = ctx;
    expect((await h.api('PUT', '/v1/secrets/TOKEN', { value: 'super-secret-token-value' })).status).toBe(200);
    await activeFlow(h, {
      name: 'reminder',
      trigger: { event: 'appointment.created' },
      steps: [
        { id: 'hook', webhook: { url: `${receiver.url}/hook`, headers: { authorization: 'Bearer {{ secrets.TOKEN }}' }, body: { email: '{{ contact.email }}' } } },
        { id: 'mail', email: { to: '{{ contact.email }}', subject: 'See you', text: 'Soon' } },
        { id: 'pause', wait: { duration: '1h' } },
        { id: 'again', webhook: { url: `${receiver.url}/again` } },
      ],
    });
    receiver.respondWith({ status: 500 });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'ex-1', iso(T0 + 24 * H), { email: 'ada@example.com', contact: { external_id: 'cust-ada' } }));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.rescheduled', 'ex-1', iso(T0 + 30 * H), { email: 'ada@example.com', contact: { external_id: 'cust-ada' } }));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'ex-2', iso(T0 + 50 * H), { email: 'ada@example.com', contact: { external_id: 'cust-ada' } }));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'other', iso(T0 + 50 * H), { email: 'bob@example.com' }));
    await h.drain();
    h.clock.set(T0 + 2 * H);
    await h.drain();

    const res = await h.api('GET', '/v1/contacts/cust-ada/export');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const doc = res.body.data;
    const contact = (await h.api('GET', '/v1/contacts/cust-ada')).body.data;
    expect(doc.contact).toEqual(contact);
    expect(doc.contact_id).toBe(contact.id);
    expect(doc.erasure).toBeNull();

    expect(doc.events).toEqual((await all(h, `/v1/events?contact_id=${contact.id}`)).sort(byId));
    expect(doc.events).toHaveLength(3);
    const appointments = (await all(h, `/v1/appointments?contact_id=${contact.id}`)).sort(byId);
    expect(appointments).toHaveLength(2);
    expect(doc.appointments.map(({ revisions: _r, ...a }: any) => a)).toEqual(appointments);
    const moved = doc.appointments.find((a: any) => a.external_id === 'ex-1');
    expect(moved.revision).toBe(2);
    expect(moved.revisions.map((r: any) => r.name)).toEqual(['appointment.created', 'appointment.rescheduled']);

    const sessions = (await all(h, `/v1/sessions?contact_id=${contact.id}`)).sort(byId);
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    const full = await Promise.all(sessions.map(async (s) => (await h.api('GET', `/v1/sessions/${s.id}`)).body.data));
    expect(doc.sessions).toEqual(full);
    const deliveries = (await all(h, `/v1/deliveries?contact_id=${contact.id}`)).sort(byId);
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(doc.sessions.flatMap((s: any) => s.deliveries).sort(byId)).toEqual(deliveries);
    expect(doc.outbox).toEqual((await all(h, '/v1/outbox?to=ada@example.com')).sort(byId));
    expect(doc.outbox.length).toBeGreaterThanOrEqual(1);

    const text = JSON.stringify(doc);
    expect(text).not.toContain('bob@example.com');
    expect(text).not.toContain('super-secret-token-value');
    const audit = (await h.api('GET', '/v1/audit-log?action=contact.exported')).body.data;
    expect(audit[0]).toMatchObject({ target: { kind: 'contact', id: contact.id } });
  });

  it('streams all contacts as CSV across pages, escaped and guarded against formulas', async () => {
    const { h } = ctx;
    const db = h.testStore.store.db;
    const hostile = [
      { email: 'formula@example.com', name: '=HYPERLINK("http://evil.example","x")' },
      { email: 'plus@example.com', name: '+1+2', phone: '+41790000001' },
      { email: 'minus@example.com', name: '-2+3', attributes: { note: '@SUM(A1)', tier: 'gold, "vip"' } },
      { email: 'lines@example.com', name: 'two\nlines, "quoted"\r\nend' },
      { email: 'zh@example.com', name: '王小明', first_name: '\tTabbed' },
    ];
    await h.testStore.store.transaction(async (trx) => {
      for (const c of hostile) await upsertContact(plainWork(trx), h.workspaceId, c, T0);
      for (let i = 0; i < 510; i++) await upsertContact(plainWork(trx), h.workspaceId, { external_id: `bulk-${i}`, email: `bulk-${i}@example.com` }, T0);
    });
    const other = await h.otherWorkspace();
    await h.api('POST', '/v1/contacts', { email: 'elsewhere@example.com' }, { authorization: `Bearer ${other.apiKey}` });

    const res = await h.raw('/v1/contacts.csv', { headers: { authorization: `Bearer ${h.apiKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('nudge-contacts.csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['id', 'external_id', 'email', 'phone', 'name', 'first_name', 'last_name', 'language', 'timezone', 'attributes', 'created_at', 'updated_at']);
    expect(rows).toHaveLength(515);
    expect(rows.map((r) => r[0])).toEqual([...rows.map((r) => r[0]!)].sort());
    expect(text).not.toContain('elsewhere@example.com');

    const api = await all(h, '/v1/contacts', 200);
    expect(api).toHaveLength(515);
    const find = (email: string) => rows.find((r) => r[2] === email)!;
    expect(find('formula@example.com')[4]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(find('plus@example.com').slice(3, 5)).toEqual(["'+41790000001", "'+1+2"]);
    expect(find('minus@example.com')[4]).toBe("'-2+3");
    expect(JSON.parse(find('minus@example.com')[9]!)).toEqual({ note: '@SUM(A1)', tier: 'gold, "vip"' });
    expect(find('lines@example.com')[4]).toBe('two\nlines, "quoted"\r\nend');
    expect(find('zh@example.com').slice(4, 6)).toEqual(['王小明', "'\tTabbed"]);
    const bulk = api.find((c) => c.email === 'bulk-7@example.com');
    expect(rows.find((r) => r[0] === bulk.id)).toEqual([bulk.id, 'bulk-7', 'bulk-7@example.com', '', '', '', '', '', '', '{}', bulk.created_at, bulk.updated_at]);
  });

  it('csvCell quotes only what needs it and guards every formula lead character', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });
});
