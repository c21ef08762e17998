/**
 * Numbers, times and sizes the engine cannot hold are refused at the boundary with the bad field's
 * path (never a 500), on SQLite and PostgreSQL alike; a row that somehow holds an out-of-range
 * time still reads and lists; and misspelled appointment event names are refused, not ignored.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_COUNT, MAX_DURATION_MINUTES, MAX_FLOW_DURATION_DAYS } from '../../src/core/input-ranges.js';
import { appointmentEvent, createHarness, T0, type ApiResponse, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const START = new Date(T0 + 48 * 3_600_000).toISOString();

function expectError(res: ApiResponse, status: number, code: string, path?: string) {
  const shown = JSON.stringify(res.body);
  expect(res.status, shown).toBe(status);
  expect(res.body.error.code, shown).toBe(code);
  expect(typeof res.body.error.message, shown).toBe('string');
  expect(res.body.error.path, shown).toBe(path);
  return res.body.error as { code: string; message: string; path?: string };
}

describe.each(testDialects())('input ranges on %s', (dialect) => {
  let h: Harness;

  beforeEach(async () => {
    h = await createHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  const booking = (appointment: Record<string, unknown>, name = 'appointment.created') =>
    appointmentEvent(name, 'ap-1', START, { appointment });

  async function expectListingsHealthy(paths = ['/v1/appointments', '/v1/appointments/ap-1', '/v1/events', '/v1/sessions']) {
    for (const path of paths) {
      const res = await h.api('GET', path);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  }

  it.each<[string, string, string]>([
    ['a duration of 1e300 minutes', '"service_duration":1e300', 'appointment.service_duration'],
    ['a duration of 2e11 minutes (past PostgreSQL integer, and end_at past the JS date range)', '"service_duration":200000000000', 'appointment.service_duration'],
    ['a duration one minute over the limit', `"service_duration":${MAX_DURATION_MINUTES + 1}`, 'appointment.service_duration'],
    ['a fractional duration (the column holds whole minutes)', '"service_duration":22.5', 'appointment.service_duration'],
    ['a negative duration', '"service_duration":-1', 'appointment.service_duration'],
    ['a quantity past the integer column', `"quantity":${MAX_COUNT + 1}`, 'appointment.quantity'],
    ['a quantity of 1e300', '"quantity":1e300', 'appointment.quantity'],
    ['an id of 1e400 (Infinity)', '"id":1e400', 'appointment.id'],
  ])('refuses %s with a 400 naming the field', async (_label, field, path) => {
    const base = `"name":"appointment.created","contact":{"email":"a@example.com"}`;
    const fields = field.startsWith('"id"') ? `${field},"start_at":"${START}"` : `"id":"ap-1","start_at":"${START}",${field}`;
    const raw = `{${base},"appointment":{${fields}}}`;
    expectError(await h.api('POST', '/v1/events', raw), 400, 'invalid_event', path);
    const count = await h.testStore.store.db.selectFrom('appointments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    await expectListingsHealthy(['/v1/appointments', '/v1/events', '/v1/sessions']);
  });

  it('accepts the largest duration and quantity and still lists the appointment', async () => {
    const res = await h.api('POST', '/v1/events', booking({ service_duration: MAX_DURATION_MINUTES, quantity: MAX_COUNT }));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const got = await h.api('GET', '/v1/appointments/ap-1');
    expect(got.body.data).toMatchObject({ service_duration: MAX_DURATION_MINUTES, quantity: MAX_COUNT });
    expect(Date.parse(got.body.data.end_at) - Date.parse(got.body.data.start_at)).toBe(MAX_DURATION_MINUTES * 60_000);
    await expectListingsHealthy();
  });

  it('accepts the extreme years an ISO time can carry and still lists the appointment', async () => {
    const res = await h.api('POST', '/v1/events', {
      ...booking({ start_at: '9999-12-31T23:59:59.999Z', service_duration: MAX_DURATION_MINUTES }),
      occurred_at: '0000-01-01T00:00:00Z',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await expectListingsHealthy();
  });

  it('holds the Idempotency-Key header to the body field’s 1–200 characters', async () => {
    const signup = { name: 'signup', contact: { email: 'a@example.com' } };
    const error = expectError(await h.api('POST', '/v1/events', signup, { 'idempotency-key': 'k'.repeat(201) }), 400, 'invalid_request', 'Idempotency-Key');
    expect(error.message).toMatch(/200/);
    expect((await h.api('POST', '/v1/events', signup, { 'idempotency-key': 'k'.repeat(200) })).status).toBe(202);
    expect((await h.api('POST', '/v1/events', signup, { 'idempotency-key': 'k'.repeat(200) })).status).toBe(200);
  });

  it('refuses lone surrogates in strings and keys, which both stores would turn into U+FFFD', async () => {
    const raw = (first: string) => `{"name":"signup","contact":{"email":"a@example.com","first_name":"${first}"}}`;
    expectError(await h.api('POST', '/v1/events', raw('A\\ud800')), 400, 'invalid_request', 'contact.first_name');
    expectError(await h.api('POST', '/v1/events', raw('\\udfffA')), 400, 'invalid_request', 'contact.first_name');
    const key = '{"name":"signup","contact":{"email":"a@example.com"},"properties":{"k\\ud800":1}}';
    expectError(await h.api('POST', '/v1/events', key), 400, 'invalid_request', 'properties.k\ud800');
    const ok = await h.api('POST', '/v1/events', raw('Ada \\ud83d\\ude00'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    expect((await h.api('GET', '/v1/contacts')).body.data[0].first_name).toBe('Ada 😀');
  });

  it('refuses a time with an expanded year', async () => {
    expectError(await h.api('POST', '/v1/events', booking({ start_at: '+275760-09-13T00:00:00.000Z' })), 400, 'invalid_event', 'appointment.start_at');
  });

  it('reads and lists a row that holds times outside the JS date range instead of answering 500', async () => {
    expect((await h.api('POST', '/v1/events', booking({}))).status).toBe(202);
    // Past the JS date range but still safe integers: the PostgreSQL driver refuses to read larger BIGINTs at all.
    await h.testStore.store.db.updateTable('appointments').set({ start_at: 8.64e15 + 1, end_at: Number.MAX_SAFE_INTEGER, service_duration: 2_000_000_000 }).execute();
    await h.testStore.store.db.updateTable('events').set({ occurred_at: -8.64e15 - 1 }).execute();
    await expectListingsHealthy();
    const got = await h.api('GET', '/v1/appointments/ap-1');
    expect(got.body.data).toMatchObject({ start_at: null, end_at: null });
    const events = await h.api('GET', '/v1/events');
    expect(events.body.data[0].occurred_at).toBeNull();
  });

  describe('flow durations', () => {
    const signupFlow = (name: string, duration: string) => ({ name, trigger: { event: 'signup' }, steps: [{ wait: { duration } }, { exit: null }] });
    const reminderFlow = (name: string, key: 'before' | 'after', duration: string) => ({
      name,
      trigger: { appointment: { anchor: 'start', [key]: duration } },
      steps: [{ webhook: { url: 'https://example.com/hook' } }],
    });

    it.each<[string, unknown, string]>([
      ['a wait of 9999999999 days', signupFlow('a', '9999999999d'), 'steps[0].wait.duration'],
      ['a wait of 2^53 - 1 ms', signupFlow('b', '9007199254740991ms'), 'steps[0].wait.duration'],
      ['an ISO wait of 99999999999 days', signupFlow('c', 'P99999999999D'), 'steps[0].wait.duration'],
      ['a wait one day over the limit', signupFlow('d', `${MAX_FLOW_DURATION_DAYS + 1}d`), 'steps[0].wait.duration'],
      ['a trigger 9999999999 days before', reminderFlow('e', 'before', '9999999999d'), 'trigger.appointment.before'],
      ['a trigger 99999999 weeks after', reminderFlow('f', 'after', '99999999w'), 'trigger.appointment.after'],
    ])('refuses %s with a 400 naming the field', async (_label, flow, path) => {
      const error = expectError(await h.api('POST', '/v1/flows', flow), 400, 'invalid_flow', path);
      expect(error.message).toContain(`longer than ${MAX_FLOW_DURATION_DAYS} days`);
    });

    it('runs flows with the longest durations on appointments at the ends of the accepted years', async () => {
      for (const flow of [
        signupFlow('wait', `${MAX_FLOW_DURATION_DAYS}d`),
        reminderFlow('before', 'before', `${MAX_FLOW_DURATION_DAYS}d`),
        reminderFlow('after', 'after', `${MAX_FLOW_DURATION_DAYS}d`),
      ]) {
        const res = await h.api('POST', '/v1/flows?activate=true', flow);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        const event = { name: 'appointment.created', contact: { email: 'a@example.com' }, appointment: { id: 'z', start_at: '9999-12-31T00:00:00Z' } };
        const dry = await h.api('POST', `/v1/flows/${res.body.data.id}/dry-run`, { event });
        expect(dry.status, JSON.stringify(dry.body)).toBe(200);
      }
      for (const [id, start] of [['late', '9999-12-31T23:59:59.999Z'], ['early', '0000-01-01T00:00:00Z']] as const) {
        const res = await h.api('POST', '/v1/events', appointmentEvent('appointment.created', id, start, { appointment: { service_duration: MAX_DURATION_MINUTES } }));
        expect(res.status, JSON.stringify(res.body)).toBe(202);
      }
      expect((await h.api('POST', '/v1/events', { name: 'signup', contact: { email: 'b@example.com' } })).status).toBe(202);
      h.clock.set(Date.parse('9999-12-31T00:00:00Z'));
      await h.drain();
      await expectListingsHealthy(['/v1/appointments', '/v1/events', '/v1/sessions', '/v1/deliveries']);
    });
  });

  describe('query parameters', () => {
    it.each<[string, string, string, string, string]>([
      ['GET', '/v1/events?limit=1&limit=2', 'limit', 'given more than once', 'given_twice'],
      ['GET', '/v1/sessions?status=active&status=waiting', 'status', 'given more than once', 'given_twice'],
      ['GET', '/v1/events?limit=99999999999999999999', 'limit', 'expected an integer from 1 to 200', 'integer_range'],
      ['GET', '/v1/events?limit=1e2', 'limit', 'expected an integer from 1 to 200', 'integer_range'],
      ['GET', `/v1/contacts?email=${'a'.repeat(1001)}`, 'email', 'must be at most 1000 characters', 'at_most_chars'],
      ['POST', '/v1/flows?activate=yes', 'activate', 'expected true or false', 'true_or_false'],
      ['POST', '/v1/flows/apply?activate=0', 'activate', 'expected true or false', 'true_or_false'],
      ['GET', '/v1/sessions?status=paused', 'status', 'expected one of: active, waiting, completed, failed, stopped, canceled', 'invalid_value'],
      ['GET', '/v1/deliveries?created_after=yesterday', 'created_after', 'expected an ISO 8601 time with Z or an offset, years 0000–9999, e.g. 2026-12-01T10:00:00Z', 'iso_offset_time'],
      ['GET', '/v1/deliveries?created_after=2026-12-02T00:00:00Z&created_before=2026-12-01T00:00:00Z', 'created_before', 'must be later than created_after', 'after_other'],
      ['GET', '/v1/analytics?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'from', 'must be before to', 'before_other'],
      ['GET', '/v1/sessions?flow_id=a%00b', 'flow_id', 'must not contain %00 (NUL)', 'nul_character'],
    ])('refuses %s %s', async (method, url, path, message, issueCode) => {
      const flow = { name: 'Welcome', trigger: { event: 'signup' }, steps: [{ exit: null }] };
      const res = await h.api(method, url, method === 'POST' ? flow : undefined);
      const error = expectError(res, 400, 'invalid_query', path);
      expect(error.message).toBe(`${path}: ${message}`);
      expect(res.body.error.details, JSON.stringify(res.body)).toEqual([expect.objectContaining({ path, code: issueCode })]);
      expect((await h.api('GET', '/v1/flows')).body.data).toEqual([]);
    });

    it('reads activate=true and activate=false on create and apply', async () => {
      const flow = (name: string) => ({ name, trigger: { event: 'signup' }, steps: [{ exit: null }] });
      expect((await h.api('POST', '/v1/flows?activate=true', flow('A'))).body.data.status).toBe('active');
      expect((await h.api('POST', '/v1/flows?activate=false', flow('B'))).body.data.status).toBe('draft');
      expect((await h.api('POST', '/v1/flows/apply?activate=false', flow('C'))).body.data.flow.status).toBe('draft');
      expect((await h.api('POST', '/v1/flows/apply', flow('D'))).body.data.flow.status).toBe('active');
    });
  });

  describe('dry-run', () => {
    let flowId: string;
    beforeEach(async () => {
      const res = await h.api('POST', '/v1/flows?activate=true', {
        name: 'Welcome',
        trigger: { event: 'signup' },
        steps: [{ wait: { duration: '1h' } }, { webhook: { url: 'https://example.com/hook' } }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      flowId = res.body.data.id;
    });

    it.each(['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '2026-13-01T00:00:00Z', 'tomorrow', '2026-12-01T10:00:00'])(
      'refuses now = %s with a 400 on now',
      async (now) => {
        const event = { name: 'signup', contact: { email: 'a@example.com' } };
        expectError(await h.api('POST', `/v1/flows/${flowId}/dry-run`, { event, now }), 400, 'invalid_request', 'now');
      },
    );

    it('accepts an ISO now with an offset', async () => {
      const event = { name: 'signup', contact: { email: 'a@example.com' } };
      const res = await h.api('POST', `/v1/flows/${flowId}/dry-run`, { event, now: '2026-12-01T10:00:00+01:00' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });
  });

  describe('appointment event names', () => {
    it.each([
      ['appointment.cancelled', 'appointment.canceled'],
      ['appointment.updated', undefined],
      ['appointment.reschedule', 'appointment.rescheduled'],
      ['appointment.Created', 'appointment.created'],
      ['appointment.', undefined],
    ])('refuses %s with a 422 that lists the known names', async (name, suggestion) => {
      const error = expectError(await h.api('POST', '/v1/events', booking({}, name)), 422, 'unknown_event', 'name');
      expect(error.message).toContain('appointment.canceled, appointment.checked_in');
      if (suggestion) expect(error.message).toContain(`did you mean ${suggestion}?`);
      else expect(error.message).not.toContain('did you mean');
      const count = await h.testStore.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('refuses a misspelled name inside a batch, writing nothing, with the event’s path', async () => {
      const events = [booking({}), booking({}, 'appointment.cancelled')];
      expectError(await h.api('POST', '/v1/events/batch', { events }), 422, 'unknown_event', 'events[1].name');
      const count = await h.testStore.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('does not let a cancellation spelled the British way keep the reminder', async () => {
      await h.api('POST', '/v1/flows?activate=true', {
        name: 'Reminder',
        trigger: { appointment: { anchor: 'start', before: '24h' } },
        steps: [{ webhook: { url: 'https://example.com/hook' } }],
      });
      expect((await h.api('POST', '/v1/events', booking({}))).status).toBe(202);
      expect((await h.api('POST', '/v1/events', booking({}, 'appointment.cancelled'))).status).toBe(422);
      expect((await h.api('POST', '/v1/events', booking({}, 'appointment.canceled'))).status).toBe(202);
      expect((await h.api('GET', '/v1/appointments/ap-1')).body.data.status).toBe('canceled');
    });

    it('refuses a flow triggered by an unknown appointment event, which could never start', async () => {
      const flow = { name: 'Sorry', trigger: { event: ['signup', 'appointment.cancelled'] }, steps: [{ exit: null }] };
      const error = expectError(await h.api('POST', '/v1/flows', flow), 400, 'invalid_flow', 'trigger.event[1]');
      expect(error.message).toContain('did you mean appointment.canceled?');
      const ok = await h.api('POST', '/v1/flows', { ...flow, trigger: { event: ['signup', 'appointment.canceled'] } });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    });

    it('still accepts other names, including ones that merely start like appointment', async () => {
      for (const name of ['appointments.synced', 'appointment_reminder', 'order.paid']) {
        const res = await h.api('POST', '/v1/events', { name, contact: { email: 'a@example.com' } });
        expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(202);
      }
    });
  });
});
