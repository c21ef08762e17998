/**
 * The HTTP API's contract for bad input, on SQLite and PostgreSQL: every bad request gets a 4xx
 * (never a 500) with `{ "error": { "code", "message", "path"?, "details"? } }`, the path naming the
 * bad field, and nothing is written (row counts of every table the request could touch are
 * compared before and after).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { MAX_BODY_DEPTH } from '../../src/server/request-body.js';
import { createApiKey, revokeApiKey } from '../../src/store/repositories/workspaces.js';
import { appointmentEvent, createHarness, T0, type ApiResponse, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const TABLES = ['events', 'contacts', 'appointments', 'sessions', 'session_logs', 'flows', 'flow_versions', 'timers'] as const;
const START = new Date(T0 + 48 * 3_600_000).toISOString();

const signup = (email = 'ada@example.com') => ({ name: 'signup', contact: { email } });
const welcomeFlow = (name = 'Welcome') => ({ name, trigger: { event: 'signup' }, steps: [{ wait: { duration: '1h' } }, { exit: null }] });

/** Asserts the status and the exact error shape; returns the error for further checks. */
function expectError(res: ApiResponse, status: number, code: string, path?: string | RegExp) {
  const shown = JSON.stringify(res.body);
  expect(res.status, shown).toBe(status);
  expect(Object.keys(res.body ?? {}), shown).toEqual(['error']);
  const error = res.body.error;
  expect(error.code, shown).toBe(code);
  expect(typeof error.message, shown).toBe('string');
  expect(error.message.length, shown).toBeGreaterThan(0);
  for (const key of Object.keys(error)) expect(['code', 'message', 'path', 'details'], shown).toContain(key);
  if (path instanceof RegExp) expect(error.path, shown).toMatch(path);
  else expect(error.path, shown).toBe(path);
  if (error.details !== undefined) {
    // One issue is listed only for its code (the message and path already say it).
    if (error.details.length === 1) {
      expect(typeof error.details[0].code, shown).toBe('string');
      expect(error.details[0].path || undefined, shown).toBe(error.path);
      expect(error.message, shown).toContain(error.details[0].message);
    }
    expect(error.details.length, shown).toBeGreaterThan(0);
    for (const d of error.details) {
      expect(typeof d.path, shown).toBe('string');
      expect(typeof d.message, shown).toBe('string');
    }
  }
  return error as { code: string; message: string; path?: string; details?: Array<{ path: string; message: string }> };
}

async function rowCounts(h: Harness): Promise<Record<string, number>> {
  const db = h.testStore.store.db;
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await db
      .selectFrom(table as 'events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

describe.each(testDialects())('HTTP API bad input on %s', (dialect) => {
  let h: Harness;
  let extra: Harness | undefined;

  beforeEach(async () => {
    h = await createHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
    await extra?.close();
    extra = undefined;
  });

  /** Sends the request and asserts that no table changed. */
  async function rejected(method: string, path: string, body?: unknown, headers?: Record<string, string>, on: Harness = h) {
    const before = await rowCounts(on);
    const res = await on.api(method, path, body, headers);
    expect(await rowCounts(on), `rows changed by ${method} ${path}: ${JSON.stringify(res.body)}`).toEqual(before);
    return res;
  }

  async function activeFlow(definition: unknown = welcomeFlow(), on: Harness = h): Promise<string> {
    const res = await on.api('POST', '/v1/flows?activate=true', definition);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as string;
  }

  describe('authentication', () => {
    it('refuses a request without an Authorization header', async () => {
      const app = createApp(h.engine.ctx);
      const res = await app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signup()) });
      const body = await res.json();
      expectError({ status: res.status, body }, 401, 'unauthorized');
      expect(await rowCounts(h)).toMatchObject({ events: 0, contacts: 0 });
    });

    it.each([
      ['a wrong key', 'Bearer nk_wrongwrongwrongwrongwrongwrongwrongwrongwro'],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
      ['an empty bearer', 'Bearer '],
    ])('refuses %s', async (_label, authorization) => {
      expectError(await rejected('POST', '/v1/events', signup(), { authorization }), 401, 'unauthorized');
      expectError(await rejected('GET', '/v1/flows', undefined, { authorization }), 401, 'unauthorized');
    });

    it('refuses a key once it is revoked, and only that key', async () => {
      const { key, row } = await createApiKey(h.testStore.store.db, h.workspaceId, 'second', T0);
      const authorization = `Bearer ${key}`;
      expect((await h.api('GET', '/v1/flows', undefined, { authorization })).status).toBe(200);
      await revokeApiKey(h.testStore.store.db, row.id, T0 + 1);
      const error = expectError(await rejected('POST', '/v1/events', signup(), { authorization }), 401, 'unauthorized');
      expect(error.message).toMatch(/revoked/);
      expect((await h.api('GET', '/v1/flows')).status).toBe(200);
    });
  });

  describe('request bodies', () => {
    it.each([
      ['malformed JSON', '{"name": "signup", "contact": {', 'invalid_json', /malformed JSON/],
      ['an empty body', '', 'invalid_json', /empty/],
      ['a whitespace body', ' \n ', 'invalid_json', /empty/],
      ['a JSON array', [signup()], 'invalid_event', /expected object, got array/],
      ['JSON null', 'null', 'invalid_event', /expected object, got null/],
      ['a JSON string', '"signup"', 'invalid_event', /expected object, got string/],
    ])('answers %s with 400', async (_label, body, code, message) => {
      const error = expectError(await rejected('POST', '/v1/events', body), 400, code);
      expect(error.message).toMatch(message);
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/yaml'])('answers content-type %s on events with 415', async (type) => {
      const error = expectError(await rejected('POST', '/v1/events', signup(), { 'content-type': type }), 415, 'unsupported_media_type');
      expect(error.message).toContain(type);
    });

    it(`refuses nesting deeper than ${MAX_BODY_DEPTH} levels instead of overflowing the stack`, async () => {
      let deep = '"x"';
      for (let i = 0; i < 20_000; i++) deep = `{"a":${deep}}`;
      const body = `{"name":"signup","contact":{"email":"ada@example.com"},"properties":${deep}}`;
      const error = expectError(await rejected('POST', '/v1/events', body), 400, 'invalid_request', `properties${'.a'.repeat(MAX_BODY_DEPTH - 1)}`);
      expect(error.message).toMatch(/nested more than/);

      let list = '1';
      for (let i = 0; i < 20_000; i++) list = `[${list}]`;
      const flow = `{"name":"Deep","trigger":{"event":"x"},"steps":[{"webhook":{"url":"https://example.com","body":${list}}}]}`;
      expectError(await rejected('POST', '/v1/flows', flow), 400, 'invalid_request', `steps[0].webhook.body${'[0]'.repeat(MAX_BODY_DEPTH - 4)}`);
    });

    it('accepts nesting at the limit', async () => {
      let nested: unknown = 'x';
      for (let i = 0; i < MAX_BODY_DEPTH - 1; i++) nested = { a: nested };
      const res = await h.api('POST', '/v1/events', { ...signup(), properties: nested });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    });

    it('refuses the NUL character in strings, which PostgreSQL cannot store, on both dialects', async () => {
      const event = { name: 'signup', contact: { email: 'ada@example.com', first_name: 'A\u0000da' } };
      const error = expectError(await rejected('POST', '/v1/events', event), 400, 'invalid_request', 'contact.first_name');
      expect(error.message).toMatch(/NUL/);
      expectError(await rejected('POST', '/v1/contacts', { external_id: 'x\u0000' }), 400, 'invalid_request', 'external_id');
      expectError(await rejected('POST', '/v1/events', { ...signup(), properties: { 'a\u0000b': 1 } }), 400, 'invalid_request', 'properties.a\u0000b');
    });

    it('refuses the NUL character in ids and query filters', async () => {
      expectError(await rejected('GET', '/v1/flows/fl_%00'), 400, 'invalid_request');
      expectError(await rejected('POST', '/v1/sessions/se_%00/stop'), 400, 'invalid_request');
      expectError(await rejected('GET', '/v1/events?name=%00'), 400, 'invalid_query', 'name');
      expectError(await rejected('GET', '/v1/events?cursor=ev_%00'), 400, 'invalid_query', 'cursor');
    });
  });

  describe('events', () => {
    const appointment = (fields: Record<string, unknown>) => ({
      name: 'appointment.created',
      contact: { email: 'ada@example.com' },
      appointment: { id: 'ap-1', start_at: START, ...fields },
    });

    it.each<[string, unknown, string, RegExp]>([
      ['a number as name', { ...signup(), name: 5 }, 'name', /expected string, got number/],
      ['a name with spaces', { ...signup(), name: 'sign up' }, 'name', /letters, digits/],
      ['a string as quantity', appointment({ quantity: 'two' }), 'appointment.quantity', /expected number, got string/],
      ['an unknown top-level field', { ...signup(), colour: 'red' }, 'colour', /^unknown field$/],
      ['an unknown contact field', { ...signup(), contact: { email: 'ada@example.com', emial: 'x' } }, 'contact.emial', /^unknown field$/],
      ['an unknown appointment field', appointment({ starts: START }), 'appointment.starts', /^unknown field$/],
      ['__proto__ as a field', JSON.parse('{"name":"signup","contact":{"email":"a@example.com"},"__proto__":{"x":1}}'), '__proto__', /^unknown field$/],
      ['no contact', { name: 'signup' }, 'contact', /required/],
      ['a contact with only a name', { name: 'signup', contact: { name: 'Ada' } }, 'contact', /external_id, email or phone/],
      ['an appointment event without appointment', { ...signup(), name: 'appointment.created' }, 'appointment', /required for appointment.created/],
      ['created without start_at', { ...appointment({}), appointment: { id: 'ap-1' } }, 'appointment.start_at', /required/],
      ['rescheduled without start_at', { ...appointment({}), name: 'appointment.rescheduled', appointment: { id: 'ap-1' } }, 'appointment.start_at', /required/],
      ['end before start', appointment({ end_at: new Date(T0).toISOString() }), 'appointment.end_at', /before start_at/],
      ['a start_at without offset', appointment({ start_at: '2026-12-01T10:00:00' }), 'appointment.start_at', /ISO/i],
      ['a start_at on February 30', appointment({ start_at: '2026-02-30T10:00:00Z' }), 'appointment.start_at', /ISO/i],
      ['a start_at in words', appointment({ start_at: 'tomorrow at 10' }), 'appointment.start_at', /ISO/i],
      ['an invalid email', { ...signup(), contact: { email: 'ada-at-example.com' } }, 'contact.email', /email/i],
      ['an invalid phone', { ...signup(), contact: { phone: 'call me' } }, 'contact.phone', /phone number/],
      ['an invalid contact timezone', { ...signup(), contact: { email: 'ada@example.com', timezone: 'Mars/Olympus' } }, 'contact.timezone', /timezone/],
      ['an invalid appointment timezone', appointment({ timezone: 'Europe/Atlantis' }), 'appointment.timezone', /timezone/],
      // A raw body: JSON.parse turns 1e400 into Infinity, which JSON.stringify would send as null.
      ['an infinite duration', `{"name":"appointment.created","contact":{"email":"a@example.com"},"appointment":{"id":"a","start_at":"${START}","service_duration":1e400}}`, 'appointment.service_duration', /got Infinity/],
      ['properties as a list', { ...signup(), properties: [1, 2] }, 'properties', /expected record/],
    ])('refuses %s', async (_label, event, path, message) => {
      const error = expectError(await rejected('POST', '/v1/events', event), 400, 'invalid_event', path);
      expect(error.message.startsWith(`${path}: `), error.message).toBe(true);
      expect(error.message.slice(path.length + 2)).toMatch(message);
    });

    it('lists every problem in details when there are several', async () => {
      const event = { name: 5, contact: { email: 'nope', emial: 'x' }, colour: 'red' };
      const error = expectError(await rejected('POST', '/v1/events', event), 400, 'invalid_event', 'name');
      expect(error.message).toBe('name: expected string, got number');
      expect(error.details?.map((d) => d.path)).toEqual(['name', 'contact.email', 'contact.emial', 'colour']);
    });

    it('refuses the whole batch when one event is invalid, writing none of the valid ones', async () => {
      await activeFlow();
      const valid = [signup('a@example.com'), signup('b@example.com'), appointmentEvent('appointment.created', 'b1', START), signup('c@example.com')];
      const events = [...valid.slice(0, 3), { name: 'signup', contact: { name: 'Ada' } }, valid[3]];
      const error = expectError(await rejected('POST', '/v1/events/batch', { events }), 400, 'invalid_event', 'events[3].contact');
      expect(error.message).toMatch(/^events\[3\]\.contact: /);

      // The same events without the bad one are accepted: the refusal was about events[3] alone.
      const ok = await h.api('POST', '/v1/events/batch', { events: valid });
      expect(ok.status, JSON.stringify(ok.body)).toBe(202);
      expect(await rowCounts(h)).toMatchObject({ events: 4, appointments: 1 });
    });

    it('names every bad event of a batch in details', async () => {
      const events = [signup(), { ...signup(), contact: { email: 'ada@example.com', emial: 'x' } }, null, { ...signup(), name: 5 }];
      const error = expectError(await rejected('POST', '/v1/events/batch', { events }), 400, 'invalid_event', 'events[1].contact.emial');
      expect(error.details?.map((d) => d.path)).toEqual(['events[1].contact.emial', 'events[2]', 'events[3].name']);
    });

    it.each<[string, unknown, string, string | undefined]>([
      ['an empty batch', { events: [] }, 'invalid_request', 'events'],
      ['more than 1000 events', { events: Array.from({ length: 1001 }, (_, i) => signup(`c${i}@example.com`)) }, 'invalid_request', 'events'],
      ['events that are not a list', { events: signup() }, 'invalid_request', 'events'],
      ['no events', {}, 'invalid_request', 'events'],
      ['an unknown field next to events', { events: [signup()], dry_run: true }, 'invalid_request', 'dry_run'],
      ['a list instead of an object', [signup()], 'invalid_request', undefined],
    ])('refuses a batch with %s', async (_label, body, code, path) => {
      const error = expectError(await rejected('POST', '/v1/events/batch', body), 400, code, path);
      if (path === 'events' && Array.isArray((body as { events?: unknown }).events)) expect(error.message).toMatch(/1 to 1000/);
      if (path === 'dry_run') expect(error.message).toBe('dry_run: unknown field');
    });
  });

  describe('body size', () => {
    beforeEach(async () => {
      extra = await createHarness(dialect, { NUDGE_MAX_BODY_BYTES: '2048' });
    });

    it('answers 413 for a body over NUDGE_MAX_BODY_BYTES on every write route', async () => {
      const big = { ...signup(), properties: { note: 'x'.repeat(3000) } };
      for (const [path, body, headers] of [
        ['/v1/events', big, {}],
        ['/v1/events/batch', { events: [big] }, {}],
        ['/v1/flows', `name: Big\n# ${'x'.repeat(3000)}\ntrigger: { event: signup }\nsteps: [{ exit: null }]\n`, { 'content-type': 'application/yaml' }],
        ['/v1/contacts', { email: 'ada@example.com', name: 'y'.repeat(3000) }, {}],
      ] as const) {
        const error = expectError(await rejected('POST', path, body, headers, extra!), 413, 'payload_too_large');
        expect(error.message).toContain('2048');
      }
    });

    it('accepts a body just under the limit', async () => {
      const res = await extra!.api('POST', '/v1/events', { ...signup(), properties: { note: 'x'.repeat(1800) } });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    });
  });

  describe('flows', () => {
    const steps = (...list: unknown[]) => ({ name: 'Bad', trigger: { event: 'signup' }, steps: list });

    it.each<[string, unknown, string, RegExp]>([
      ['an unknown step kind', steps({ sms: { to: '+14155550123' } }), 'steps[0]', /expected one of: wait, branch, webhook, email, send, update_contact, exit/],
      ['an unknown anchor in wait.until', steps({ wait: { until: 'appointment.begin - 2h' } }), 'steps[0].wait.until', /unknown anchor "begin"/],
      ['a bad duration', steps({ wait: { duration: '2 fortnights' } }), 'steps[0].wait.duration', /invalid duration "2 fortnights"/],
      ['an unknown top-level field', { ...steps({ exit: null }), colour: 'red' }, 'colour', /^unknown field$/],
      ['an unknown step field', steps({ webhook: { url: 'https://example.com', verb: 'POST' } }), 'steps[0].webhook.verb', /^unknown field$/],
      ['no steps', { name: 'Bad', trigger: { event: 'signup' }, steps: [] }, 'steps', /at least one step/],
      ['no trigger', { name: 'Bad', steps: [{ exit: null }] }, 'trigger', /required/],
      ['a trigger of both kinds', { ...steps({ exit: null }), trigger: { event: 'x', appointment: { anchor: 'start', before: '1h' } } }, 'trigger', /only one of/],
      ['a non-http webhook url', steps({ webhook: { url: 'ftp://example.com' } }), 'steps[0].webhook.url', /http\(s\) URL/],
    ])('refuses %s with invalid_flow', async (_label, definition, path, message) => {
      const error = expectError(await rejected('POST', '/v1/flows', definition), 400, 'invalid_flow', path);
      expect(error.message.startsWith(`${path}: `), error.message).toBe(true);
      expect(error.message.slice(path.length + 2)).toMatch(message);
    });

    it('lists every problem in details, first one as message and path', async () => {
      const definition = { ...steps({ wait: { until: 'appointment.begin - 2h' } }, { wait: { duration: 'soon' } }, { sms: {} }), colour: 1 };
      const error = expectError(await rejected('POST', '/v1/flows', definition), 400, 'invalid_flow', 'colour');
      expect(error.details?.map((d) => d.path)).toEqual(['colour', 'steps[0].wait.until', 'steps[1].wait.duration', 'steps[2]']);
      expect(error.message).toBe('colour: unknown field');
    });

    it('refuses an invalid new version and keeps the current one', async () => {
      const id = await activeFlow();
      const error = expectError(await rejected('PUT', `/v1/flows/${id}`, steps({ wait: { duration: 'soon' } })), 400, 'invalid_flow', 'steps[0].wait.duration');
      expect(error.message).toMatch(/invalid duration/);
      const flow = (await h.api('GET', `/v1/flows/${id}`)).body.data;
      expect(flow).toMatchObject({ version: 1, status: 'active', definition: welcomeFlow() });
    });

    it('validates without saving: 200 with valid false and every error', async () => {
      const res = await rejected('POST', '/v1/flows/validate', { ...steps({ wait: { until: 'appointment.begin - 2h' } }), colour: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: {
          valid: false,
          errors: [
            { path: 'colour', message: 'unknown field', code: 'unknown_field' },
            { path: 'steps[0].wait.until', message: 'unknown anchor "begin"', code: 'unknown_anchor', params: { anchor: 'begin' } },
          ],
        },
      });
      const ok = await rejected('POST', '/v1/flows/validate', welcomeFlow());
      expect(ok.body).toEqual({ data: { valid: true, errors: [] } });
      expectError(await rejected('POST', '/v1/flows/validate', '{"name":'), 400, 'invalid_json');
    });

    it('takes YAML with content-type application/yaml', async () => {
      const yaml = 'name: From YAML\ntrigger:\n  event: signup\nsteps:\n  - wait:\n      duration: 1h\n  - exit: null\n';
      const res = await h.api('POST', '/v1/flows', yaml, { 'content-type': 'application/yaml' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.data.definition).toEqual({ name: 'From YAML', trigger: { event: 'signup' }, steps: [{ wait: { duration: '1h' } }, { exit: null }] });

      const invalid = 'name: Bad\ntrigger:\n  event: signup\nsteps:\n  - wait:\n      until: appointment.begin - 2h\n';
      const error = expectError(await rejected('POST', '/v1/flows', invalid, { 'content-type': 'application/yaml' }), 400, 'invalid_flow', 'steps[0].wait.until');
      expect(error.message).toMatch(/unknown anchor/);
    });

    it.each<[string, string, string, RegExp | undefined]>([
      ['malformed YAML', 'name: [Bad\ntrigger: {\n', 'invalid_yaml', undefined],
      // An alias inside its own anchor is a cyclic object: refused by the depth limit, at its path.
      ['a YAML anchor that contains itself', 'name: Loop\ntrigger: { event: x }\nsteps: &s\n  - branch: { branches: [ { when: [], steps: *s } ] }\n', 'invalid_request', /^steps\[0\](\.branch\.branches\[0\]\.steps\[0\])+\.branch\.branches\[0\]$/],
      ['a YAML scalar', 'just text\n', 'invalid_flow', undefined],
      ['an empty YAML body', '', 'invalid_flow', undefined],
    ])('refuses %s', async (_label, yaml, code, at) => {
      for (const path of ['/v1/flows', '/v1/flows/apply']) {
        const error = expectError(await rejected('POST', path, yaml, { 'content-type': 'application/yaml' }), 400, code, at);
        if (code === 'invalid_yaml') expect(error.message).toMatch(/^malformed YAML: /);
      }
    });
  });

  describe("another workspace's records", () => {
    it('are not found with workspace B’s key, and stay unchanged', async () => {
      const flowId = await activeFlow();
      const sent = await h.api('POST', '/v1/events', appointmentEvent('signup', 'x1', START));
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      const { event_id: eventId, contact_id: contactId, appointment_id: appointmentId, sessions_started: started } = sent.body.data;
      const sessionId = started[0] as string;
      expect(sessionId).toBeTruthy();
      const snapshot = async () => ({
        flow: (await h.api('GET', `/v1/flows/${flowId}`)).body.data,
        session: (await h.api('GET', `/v1/sessions/${sessionId}`)).body.data,
      });
      const before = await snapshot();

      const b = await h.otherWorkspace();
      const asB = { authorization: `Bearer ${b.apiKey}` };
      for (const [method, path, body] of [
        ['GET', `/v1/flows/${flowId}`],
        ['GET', `/v1/flows/${flowId}/versions`],
        ['PUT', `/v1/flows/${flowId}`, welcomeFlow('Stolen')],
        ['POST', `/v1/flows/${flowId}/pause`],
        ['POST', `/v1/flows/${flowId}/resume`],
        ['POST', `/v1/flows/${flowId}/activate`],
        ['POST', `/v1/flows/${flowId}/archive`],
        ['GET', `/v1/events/${eventId}`],
        ['GET', `/v1/contacts/${contactId}`],
        ['GET', `/v1/appointments/${appointmentId}`],
        ['GET', `/v1/sessions/${sessionId}`],
        ['POST', `/v1/sessions/${sessionId}/stop`],
      ] as Array<[string, string, unknown?]>) {
        const error = expectError(await rejected(method, path, body, asB), 404, 'not_found');
        expect(error.message, `${method} ${path}`).toMatch(/not found/);
      }
      for (const path of ['/v1/flows', '/v1/events', '/v1/sessions', '/v1/contacts', '/v1/appointments']) {
        const list = await h.api('GET', path, undefined, asB);
        expect(list.status).toBe(200);
        expect(list.body.data, path).toEqual([]);
      }
      expect(await snapshot()).toEqual(before);
      expect(['active', 'waiting']).toContain(before.session.status);
    });
  });

  describe('routes and queries', () => {
    it.each([
      ['GET', '/v1/nope'],
      // A GET outside /v1 is a page of the web app (its router shows "not found"): test/server/web-assets.test.ts.
      ['POST', '/nope'],
      ['DELETE', '/v1/flows/fl_1'],
      ['POST', '/health'],
    ])('answers %s %s with a JSON 404', async (method, path) => {
      const error = expectError(await rejected(method, path), 404, 'not_found');
      expect(error.message).toBe(`no route for ${method} ${path}`);
    });

    it.each([
      ['/v1/events?limit=0', 'limit'],
      ['/v1/events?limit=abc', 'limit'],
      ['/v1/sessions?limit=201', 'limit'],
      ['/v1/contacts?limit=1.5', 'limit'],
      ['/v1/appointments?limit=', 'limit'],
      ['/v1/flows?status=bogus', 'status'],
      ['/v1/sessions?status=bogus', 'status'],
      ['/v1/appointments?status=pending', 'status'],
      ['/v1/deliveries?status=sent', 'status'],
    ])('answers %s with invalid_query', async (url, path) => {
      const error = expectError(await rejected('GET', url), 400, 'invalid_query', path);
      expect(error.message).toMatch(path === 'limit' ? /integer from 1 to 200/ : /expected one of: /);
    });
  });

  describe('state conflicts', () => {
    it('refuses to activate a flow past the plan limit; the flow stays draft', async () => {
      extra = await createHarness(dialect, {}, { plan: 'small' });
      await activeFlow(welcomeFlow('First'), extra);
      const second = await extra.api('POST', '/v1/flows', welcomeFlow('Second'));
      expect(second.status).toBe(201);
      const id = second.body.data.id as string;

      const error = expectError(await rejected('POST', `/v1/flows/${id}/activate`, undefined, undefined, extra), 409, 'plan_limit_reached');
      expect(error.message).toBe('plan "small" allows 1 live flow and 1 is active or paused; archive one or raise the limit (PATCH /v1/workspace)');
      expect((await extra.api('GET', `/v1/flows/${id}`)).body.data.status).toBe('draft');
    });

    it('POST /v1/flows?activate=true past the plan limit creates nothing', async () => {
      extra = await createHarness(dialect, {}, { plan: 'small' });
      await activeFlow(welcomeFlow('First'), extra);
      expectError(await rejected('POST', '/v1/flows?activate=true', welcomeFlow('Second'), undefined, extra), 409, 'plan_limit_reached');
    });

    it('POST /v1/flows/apply past the plan limit creates nothing', async () => {
      extra = await createHarness(dialect, {}, { plan: 'small' });
      await activeFlow(welcomeFlow('First'), extra);
      expectError(await rejected('POST', '/v1/flows/apply', welcomeFlow('Second'), undefined, extra), 409, 'plan_limit_reached');
    });

    it('answers 409 when stopping a session that already ended', async () => {
      await activeFlow();
      const sessionId = (await h.api('POST', '/v1/events', signup())).body.data.sessions_started[0] as string;
      const stopped = await h.api('POST', `/v1/sessions/${sessionId}/stop`);
      expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
      expect(stopped.body.data.status).toBe('stopped');

      const error = expectError(await rejected('POST', `/v1/sessions/${sessionId}/stop`), 409, 'session_ended');
      expect(error.message).toBe(`session ${sessionId} already ended (stopped)`);
      expect((await h.api('GET', `/v1/sessions/${sessionId}`)).body.data.status).toBe('stopped');
    });

    it('answers 409 for a second flow with a name already in use, and allows it once the first is archived', async () => {
      const id = await activeFlow(welcomeFlow('Same name'));
      expectError(await rejected('POST', '/v1/flows', welcomeFlow('Same name')), 409, 'flow_name_taken', 'name');
      expect((await h.api('POST', `/v1/flows/${id}/archive`)).status).toBe(200);
      expect((await h.api('POST', '/v1/flows', welcomeFlow('Same name'))).status).toBe(201);
    });

    it('answers 409 when editing an archived flow', async () => {
      const id = await activeFlow();
      expect((await h.api('POST', `/v1/flows/${id}/archive`)).status).toBe(200);
      expectError(await rejected('PUT', `/v1/flows/${id}`, welcomeFlow()), 409, 'flow_archived');
      expectError(await rejected('POST', `/v1/flows/${id}/activate`), 409, 'flow_archived');
    });

    it('an event giving a contact another contact’s email is a 409 naming contact.email', async () => {
      await h.api('POST', '/v1/events', { name: 'x', contact: { external_id: 'c1', email: 'one@example.com' } });
      await h.api('POST', '/v1/events', { name: 'x', contact: { external_id: 'c2', email: 'two@example.com' } });
      const res = await rejected('POST', '/v1/events', { name: 'x', contact: { external_id: 'c1', email: 'two@example.com' } });
      const error = expectError(res, 409, 'contact_conflict', 'contact.email');
      expect(error.message).toMatch(/^email two@example\.com belongs to another contact \(ct_\w+\)/);
      expectError(await rejected('POST', '/v1/contacts', { external_id: 'c1', email: 'two@example.com' }), 409, 'contact_conflict', 'contact.email');
    });
  });
});
