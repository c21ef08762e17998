/**
 * The list filters the web app leaves to the server, over HTTP on SQLite and PostgreSQL: the flow
 * list with triggers and session counts, deliveries by channel and time, and the contact and
 * appointment search; bad values answer 400 with the parameter as path, and cursors page through
 * filtered lists.
 */
import { describe, expect, it } from 'vitest';
import { activeFlow, appointmentEvent, T0, useHarnessAndReceiver, type ApiResponse } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

function expectBadQuery(res: ApiResponse, path: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'invalid_query', path });
}

describe.each(testDialects())('list filters on %s', (dialect) => {
  const s = useHarnessAndReceiver(dialect);

  async function ok(path: string) {
    const res = await s.h.api('GET', path);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body as { data: Array<Record<string, any>>; next_cursor?: string | null };
  }

  /** Every id of a list, read `limit` at a time through next_cursor. */
  async function allPages(path: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const body = await ok(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.data.length).toBeLessThanOrEqual(limit);
      ids.push(...body.data.map((d) => d.id as string));
      cursor = body.next_cursor;
      if (!cursor) return ids;
    }
    throw new Error(`${path} did not end`);
  }

  it('flows: each with its trigger; ?include=counts adds sessions by status, in one request', async () => {
    const hook = await activeFlow(s.h, { name: 'Hook', trigger: { event: 'signup' }, steps: [{ id: 'hook', webhook: { url: `${s.receiver.url}/hook` } }] });
    const wait = await activeFlow(s.h, { name: 'Wait', trigger: { event: ['signup', 'upgrade'] }, steps: [{ id: 'pause', wait: { duration: '1h' } }] });
    const reminder = await activeFlow(s.h, {
      name: 'Reminder',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      steps: [{ id: 'remind', webhook: { url: `${s.receiver.url}/remind` } }],
    });
    s.receiver.respondWith({ status: 400, body: 'no' });
    await s.h.api('POST', '/v1/events', { name: 'signup', contact: { email: 'a@example.com' } });
    await s.h.drain();
    s.receiver.respondWith({ status: 200, body: 'ok' });
    await s.h.api('POST', '/v1/events', { name: 'signup', contact: { email: 'b@example.com' } });
    await s.h.drain();

    const plain = await ok('/v1/flows');
    expect(plain.data.map((f) => [f.id, f.trigger])).toEqual([
      [hook, { event: 'signup' }],
      [wait, { event: ['signup', 'upgrade'] }],
      [reminder, { appointment: { anchor: 'start', before: '24h' } }],
    ]);
    expect(plain.data[0]).not.toHaveProperty('sessions');

    const counted = await ok('/v1/flows?include=counts');
    expect(Object.fromEntries(counted.data.map((f) => [f.name, f.sessions]))).toEqual({
      Hook: { failed: 1, completed: 1 },
      Wait: { waiting: 2 },
      Reminder: {},
    });
    // The same counts as the flow's own page.
    const detail = await ok(`/v1/flows/${hook}`);
    expect((detail as any).data.sessions).toEqual(counted.data[0]!.sessions);
    expect((await ok('/v1/flows?include=counts&status=paused')).data).toEqual([]);
    expectBadQuery(await s.h.api('GET', '/v1/flows?include=definition'), 'include');
  });

  it('deliveries: by channel and a half-open time window, paged by cursor; bad times answer 400', async () => {
    await activeFlow(s.h, {
      name: 'Both',
      trigger: { event: 'signup' },
      steps: [
        { id: 'hook', webhook: { url: `${s.receiver.url}/hook` } },
        { id: 'mail', email: { to: '{{ contact.email }}', subject: 'Hi', text: 'Hi' } },
      ],
    });
    for (let i = 0; i < 4; i++) {
      await s.h.api('POST', '/v1/events', { name: 'signup', contact: { email: `c${i}@example.com` } });
      await s.h.drain();
      s.h.clock.advance(10 * MINUTE);
    }
    const all = await ok('/v1/deliveries?limit=200');
    expect(all.data).toHaveLength(8);
    const webhooks = all.data.filter((d) => d.channel === 'webhook').map((d) => d.id);
    expect(webhooks).toHaveLength(4);
    expect(await allPages('/v1/deliveries?channel=webhook', 1)).toEqual(webhooks);
    expect((await ok('/v1/deliveries?channel=sms')).data).toEqual([]);

    // Sends at T0, T0+10, T0+20, T0+30 minutes: [T0+10, T0+30) holds the second and third.
    const window = `created_after=${encodeURIComponent(iso(T0 + 10 * MINUTE))}&created_before=${encodeURIComponent(iso(T0 + 30 * MINUTE))}`;
    const inWindow = all.data.filter((d) => d.created_at >= iso(T0 + 10 * MINUTE) && d.created_at < iso(T0 + 30 * MINUTE)).map((d) => d.id);
    expect(inWindow).toHaveLength(4);
    expect(await allPages(`/v1/deliveries?${window}`, 3)).toEqual(inWindow);
    expect(await allPages(`/v1/deliveries?${window}&channel=email&status=succeeded`, 1)).toEqual(
      all.data.filter((d) => inWindow.includes(d.id) && d.channel === 'email').map((d) => d.id),
    );
    // An offset, sent encoded or as a bare + (which a query string reads as a space).
    const since = '2026-11-23T10:20:00+01:00'; // T0 + 20 minutes
    const later = all.data.filter((d) => d.created_at >= iso(T0 + 20 * MINUTE)).map((d) => d.id);
    expect((await ok(`/v1/deliveries?limit=200&created_after=${encodeURIComponent(since)}`)).data.map((d) => d.id)).toEqual(later);
    expect((await ok(`/v1/deliveries?limit=200&created_after=${since}`)).data.map((d) => d.id)).toEqual(later);

    expectBadQuery(await s.h.api('GET', '/v1/deliveries?created_after=yesterday'), 'created_after');
    expectBadQuery(await s.h.api('GET', '/v1/deliveries?created_before=2026-11-23T10:00:00'), 'created_before');
    expectBadQuery(await s.h.api('GET', `/v1/deliveries?created_after=${encodeURIComponent(iso(T0))}&created_before=${encodeURIComponent(iso(T0))}`), 'created_before');
    expectBadQuery(await s.h.api('GET', '/v1/deliveries?channel=a&channel=b'), 'channel');
    expectBadQuery(await s.h.api('GET', `/v1/deliveries?channel=${'x'.repeat(1001)}`), 'channel');
  });

  it('contacts: q searches email, name and phone by prefix; hostile input is literal or refused', async () => {
    const contacts = [
      { email: 'ada@example.com', name: 'Ada Lovelace', phone: '+44 20 7946 0001' },
      { email: 'adam@example.com', name: 'Adam Smith' },
      { email: 'darcy@example.com', name: "100%_Sure D'Arcy" },
      { email: 'bob@example.com', name: 'Bob', phone: '1 (415) 555-0100', external_id: 'cust-42' },
    ];
    const ids: string[] = [];
    for (const c of contacts) {
      const res = await s.h.api('POST', '/v1/contacts', c);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids.push(res.body.data.id);
    }
    const [ada, adam, sure, bob] = ids as [string, string, string, string];
    const find = async (q: string) => (await ok(`/v1/contacts?q=${encodeURIComponent(q)}`)).data.map((c) => c.id);
    expect(await find('AD')).toEqual([adam, ada]);
    expect(await find('  ada@ ')).toEqual([ada]);
    expect(await find('smith')).toEqual([]);
    expect(await find('+44 20 79')).toEqual([ada]);
    expect(await find('1-415-555')).toEqual([bob]);
    expect(await find('415')).toEqual([]);
    expect(await find('cust-42')).toEqual([bob]);
    expect(await find('cust-4')).toEqual([]);
    expect(await find('100%_')).toEqual([sure]);
    expect(await find('100%x')).toEqual([]);
    expect(await find('%')).toEqual([]);
    expect(await find('_')).toEqual([]);
    expect(await find("100%_sure d'")).toEqual([sure]);
    expect(await find('"; select 1; --')).toEqual([]);
    expect(await find('x'.repeat(200))).toEqual([]);
    expect(await find('')).toEqual([bob, sure, adam, ada]);
    expect(await allPages('/v1/contacts?q=a', 1)).toEqual([adam, ada]);
    expect(await allPages('/v1/contacts?q=%2B', 1)).toEqual([]);
    expectBadQuery(await s.h.api('GET', `/v1/contacts?q=${'x'.repeat(201)}`), 'q');
    expectBadQuery(await s.h.api('GET', '/v1/contacts?q=a&q=b'), 'q');

    const other = await s.h.otherWorkspace();
    const elsewhere = await s.h.api('GET', '/v1/contacts?q=ada', undefined, { authorization: `Bearer ${other.apiKey}` });
    expect(elsewhere.body.data).toEqual([]);
  });

  it('appointments: q is the booking id, or the contact searched as on contacts', async () => {
    const start = iso(T0 + 48 * 3_600_000);
    await s.h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'bk-1', start, { email: 'ada@example.com', contact: { name: 'Ada Lovelace' } }));
    await s.h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'bk-2', start, { email: 'bob@example.com', contact: { name: 'Bob' } }));
    await s.h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'ada-3', start, { email: 'zed@example.com', contact: { name: 'Zed' } }));
    const find = async (q: string) => (await ok(`/v1/appointments?q=${encodeURIComponent(q)}`)).data.map((a) => a.external_id);
    expect(await find('ada')).toEqual(['bk-1']);
    expect(await find('ada-3')).toEqual(['ada-3']);
    expect(await find('BOB@')).toEqual(['bk-2']);
    expect(await find('bk-')).toEqual([]);
    expect(await find('%')).toEqual([]);
    expect(await allPages('/v1/appointments?q=b', 1)).toHaveLength(1);
    expectBadQuery(await s.h.api('GET', `/v1/appointments?q=${'é'.repeat(201)}`), 'q');
  });
});
