/**
 * The API the web app reads: the overview, analytics (JSON and CSV), a flow's step counts, the
 * session list by step, retrying a failed delivery, and the flow schemas. Data is made through the
 * public API (events in, the worker drains) and read back. SQLite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { activeFlow, appointmentEvent, T0, useHarnessAndReceiver } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';
import { listUpcoming } from '../../src/store/repositories/schedule.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe.each(testDialects())('web app API on %s', (dialect) => {
  const s = useHarnessAndReceiver(dialect);

  async function ok(method: string, path: string, body?: unknown, status = 200) {
    const res = await s.h.api(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  }

  /**
   * In Los Angeles (T0 is 01:00 PST on 23 November): a reminder flow with triggers due today,
   * tomorrow and later; a flow whose first webhook fails for the first signup; a flow that waits.
   */
  async function setup() {
    await ok('PATCH', '/v1/workspace', { timezone: 'America/Los_Angeles' });
    const reminder = await activeFlow(s.h, {
      name: 'Reminder',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      steps: [{ id: 'remind', webhook: { url: `${s.receiver.url}/remind` } }],
    });
    const hook = await activeFlow(s.h, {
      name: 'Hook',
      trigger: { event: 'signup' },
      steps: [
        { id: 'hook', webhook: { url: `${s.receiver.url}/hook` } },
        { id: 'after', webhook: { url: `${s.receiver.url}/after` } },
      ],
    });
    const welcome = await activeFlow(s.h, {
      name: 'Welcome',
      trigger: { event: 'signup' },
      steps: [{ id: 'pause', wait: { duration: '1h' } }, { id: 'thanks', webhook: { url: `${s.receiver.url}/thanks` } }],
    });
    // Triggers due 15:00Z today (LA), 11:00Z tomorrow, and the day after.
    for (const [id, start] of [['b1', T0 + 30 * H], ['b2', T0 + 50 * H], ['b3', T0 + 80 * H]] as const) {
      await ok('POST', '/v1/events', appointmentEvent('appointment.created', id, iso(start)), 202);
    }
    s.receiver.respondWith({ status: 400, body: '{"error":"bad"}' });
    await ok('POST', '/v1/events', { name: 'signup', contact: { email: 'a@example.com' } }, 202);
    await s.h.drain();
    await ok('POST', '/v1/events', { name: 'signup', contact: { email: 'b@example.com' } }, 202);
    await s.h.drain();
    s.h.clock.advance(60_000);
    return { reminder, hook, welcome };
  }

  it('overview: due today and tomorrow in the workspace timezone, recent sends, what needs attention, plan', async () => {
    await setup();
    const { data } = await ok('GET', '/v1/overview');
    // Today: the b1 reminder and the two Welcome sessions' waits (over at 02:00 PST); tomorrow: b2.
    expect(data.scheduled).toEqual({ today: 3, tomorrow: 1 });
    expect(data.sends_7d).toEqual({ sent: 2, failed: 1, skipped: 0 });
    expect(data.timezone).toBe('America/Los_Angeles');
    expect(data.plan).toEqual({ plan: 'advanced', flow_limit: 9, live_flows: 3 });
    expect(data.needs_attention).toHaveLength(1);
    expect(data.needs_attention[0]).toMatchObject({ kind: 'delivery_failed', flow_name: 'Hook', message: 'HTTP 400: {"error":"bad"}', at: iso(T0) });
    const { data: delivery } = await ok('GET', `/v1/deliveries/${data.needs_attention[0].id}`);
    expect(delivery.status).toBe('failed');

    // What is due, in due order: the two waits ending at 02:00 PST, then b1's and b2's reminders.
    const upcoming = data.upcoming as Array<Record<string, any>>;
    expect(upcoming.map((u) => [u.flow_name, u.kind, u.step_id, u.due_at, u.contact?.email, u.appointment?.external_id])).toEqual([
      ['Welcome', 'step', 'pause', iso(T0 + H), 'a@example.com', undefined],
      ['Welcome', 'step', 'pause', iso(T0 + H), 'b@example.com', undefined],
      ['Reminder', 'trigger', 'remind', iso(T0 + 6 * H), 'cust-b1@example.com', 'b1'],
      ['Reminder', 'trigger', 'remind', iso(T0 + 26 * H), 'cust-b2@example.com', 'b2'],
    ]);
    expect(upcoming[0]!.session_id).toBe(upcoming[0]!.id);
    expect(upcoming[2]).toMatchObject({ session_id: null, contact: { name: 'Ada' }, appointment: { start_at: iso(T0 + 30 * H), service_name: 'Tattoo Removal' } });
  });

  it('overview: the upcoming list leaves out paused flows and other workspaces, and stops at its limit', async () => {
    const { reminder } = await setup();
    // Another workspace with a wait due today.
    const other = await s.h.otherWorkspace();
    const asOther = (path: string, body: unknown) =>
      s.h.raw(path, { method: 'POST', headers: { authorization: `Bearer ${other.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const otherFlow = { name: 'Elsewhere', trigger: { event: 'signup' }, steps: [{ id: 'pause', wait: { duration: '1h' } }] };
    expect((await asOther('/v1/flows?activate=true', otherFlow)).status).toBe(201);
    expect((await asOther('/v1/events', { name: 'signup', contact: { email: 'c@example.com' } })).status).toBe(202);
    await ok('POST', `/v1/flows/${reminder}/pause`);
    const { data } = await ok('GET', '/v1/overview');
    expect(data.scheduled).toEqual({ today: 2, tomorrow: 0 });
    expect(data.upcoming.map((u: { flow_name: string }) => u.flow_name)).toEqual(['Welcome', 'Welcome']);

    await ok('POST', `/v1/flows/${reminder}/resume`);
    const db = s.h.engine.ctx.store.db;
    const first = await listUpcoming(db, s.h.workspaceId, T0, T0 + 48 * H, 3);
    expect(first.map((u) => u.flow_name)).toEqual(['Welcome', 'Welcome', 'Reminder']);
  });

  it('analytics: totals, daily buckets in the workspace timezone, per flow; hourly; one flow; CSV', async () => {
    const { hook, welcome } = await setup();
    const { data } = await ok('GET', '/v1/analytics');
    expect(data.totals).toEqual({
      sessions_started: 4,
      sessions_completed: 1,
      sessions_failed: 1,
      sessions_canceled: 0,
      sent: 2,
      failed: 1,
      skipped: 0,
      completion_rate: 0.25,
    });
    // Seven days back from 01:01 PST on 23 November: 16–23 November, each from local midnight (08:00Z).
    expect(data.series).toHaveLength(8);
    expect(data.series[0].at).toBe('2026-11-16T08:00:00.000Z');
    expect(data.series[7]).toMatchObject({ at: '2026-11-23T08:00:00.000Z', sessions_started: 4, sent: 2 });
    expect(data.series[6]).toMatchObject({ sessions_started: 0, completion_rate: null });
    const byName = Object.fromEntries(data.flows.map((f: { name: string }) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(['Hook', 'Reminder', 'Welcome']);
    expect(byName.Hook).toMatchObject({ flow_id: hook, sessions_started: 2, sessions_completed: 1, sessions_failed: 1, sent: 2, failed: 1, completion_rate: 0.5 });
    expect(byName.Welcome).toMatchObject({ flow_id: welcome, sessions_started: 2, sessions_completed: 0 });

    const hourly = await ok('GET', `/v1/analytics?interval=hour&from=${encodeURIComponent('2026-11-23T00:00:00-08:00')}&to=2026-11-23T10:00:00Z&flow_id=${hook}`);
    expect(hourly.data.series.map((b: { at: string }) => b.at)).toEqual(['2026-11-23T08:00:00.000Z', '2026-11-23T09:00:00.000Z']);
    expect(hourly.data.series[1]).toMatchObject({ sessions_started: 2, sent: 2, failed: 1 });
    expect(hourly.data.flows.map((f: { flow_id: string }) => f.flow_id)).toEqual([hook]);
    expect(hourly.data.totals.sessions_started).toBe(2);

    const csv = await s.h.api('GET', `/v1/analytics.csv?flow_id=${hook}`);
    expect(csv.status).toBe(200);
    const lines = (csv.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,flow_id,flow_name,sessions_started,sessions_completed,sessions_failed,sessions_canceled,sent,failed,skipped,completion_rate');
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe(`2026-11-23T08:00:00.000Z,${hook},Hook,2,1,1,0,2,1,0,0.5`);
    const all = await s.h.api('GET', '/v1/analytics.csv');
    expect((all.body as string).trimEnd().split('\r\n')).toHaveLength(1 + 8 * 3);
  });

  it('analytics refuses a backwards or too long period, and another workspace’s flow', async () => {
    const bad = async (query: string, path: string) => {
      const res = await s.h.api('GET', `/v1/analytics?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.path).toBe(path);
    };
    await bad('from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z', 'from');
    await bad('from=2025-01-01T00:00:00Z&to=2026-11-22T00:00:00Z', 'to');
    await bad('interval=hour&from=2026-09-01T00:00:00Z&to=2026-11-22T00:00:00Z', 'interval');
    await bad('from=yesterday', 'from');
    await bad('interval=week', 'interval');
    const other = await s.h.otherWorkspace();
    const foreign = await s.h.api('POST', '/v1/flows', { name: 'Theirs', trigger: { event: 'x' }, steps: [{ exit: null }] }, { authorization: `Bearer ${other.apiKey}` });
    expect((await s.h.api('GET', `/v1/analytics?flow_id=${foreign.body.data.id}`)).status).toBe(404);
    expect((await s.h.api('GET', `/v1/flows/${foreign.body.data.id}/step-counts`)).status).toBe(404);
  });

  it('step counts: who waits at each step now, sends per step in the period; sessions listed by step', async () => {
    const { hook, welcome } = await setup();
    const { data } = await ok('GET', `/v1/flows/${hook}/step-counts`);
    expect(data).toEqual({
      waiting_total: 0,
      steps: [
        { step_id: 'hook', waiting: 0, sent: 1, failed: 1, skipped: 0 },
        { step_id: 'after', waiting: 0, sent: 1, failed: 0, skipped: 0 },
      ],
    });
    const waiting = await ok('GET', `/v1/flows/${welcome}/step-counts`);
    expect(waiting.data).toEqual({
      waiting_total: 2,
      steps: [
        { step_id: 'pause', waiting: 2, sent: 0, failed: 0, skipped: 0 },
        { step_id: 'thanks', waiting: 0, sent: 0, failed: 0, skipped: 0 },
      ],
    });
    // A period before anything happened counts no sends; who waits is always now.
    const before = await ok('GET', `/v1/flows/${hook}/step-counts?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z`);
    expect(before.data.steps.map((st: { sent: number; failed: number }) => st.sent + st.failed)).toEqual([0, 0]);

    const atPause = await ok('GET', `/v1/sessions?flow_id=${welcome}&step_id=pause`);
    expect(atPause.data).toHaveLength(2);
    expect((await ok('GET', `/v1/sessions?step_id=thanks`)).data).toHaveLength(0);
  });

  it('retries a failed delivery through the worker: the session goes on from that step', async () => {
    const { hook } = await setup();
    const deliveries = (await ok('GET', `/v1/deliveries?flow_id=${hook}`)).data as Array<{ id: string; status: string; session_id: string; step_id: string; idempotency_key: string }>;
    const failed = deliveries.find((d) => d.status === 'failed')!;
    const succeeded = deliveries.find((d) => d.status === 'succeeded')!;

    const refused = await s.h.api('POST', `/v1/deliveries/${succeeded.id}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not_retryable');
    const other = await s.h.otherWorkspace();
    const foreign = await s.h.api('POST', `/v1/deliveries/${failed.id}/retry`, undefined, { authorization: `Bearer ${other.apiKey}` });
    expect(foreign.status).toBe(404);

    const sentBefore = s.receiver.requests.length;
    const { data } = await ok('POST', `/v1/deliveries/${failed.id}/retry`, undefined, 202);
    expect(data).toEqual({ delivery_id: failed.id, session_id: failed.session_id });
    expect((await ok('GET', `/v1/sessions/${failed.session_id}`)).data).toMatchObject({ status: 'waiting', step_id: 'hook', ended_at: null });

    await s.h.drain();
    expect(s.receiver.requests.slice(sentBefore).map((r) => r.path)).toEqual(['/hook', '/after']);
    const session = (await ok('GET', `/v1/sessions/${failed.session_id}`)).data;
    expect(session.status).toBe('completed');
    expect(session.timeline.map((e: { type: string }) => e.type)).toContain('retry');
    const retried = session.deliveries.filter((d: { step_id: string }) => d.step_id === 'hook');
    expect(retried.map((d: { status: string; attempt: number }) => `${d.attempt}:${d.status}`)).toEqual(['1:failed', '1:succeeded']);
    expect(retried[1].idempotency_key).toBe(failed.idempotency_key);

    // Done: the same delivery cannot be retried again, and nothing needs attention any more.
    const again = await s.h.api('POST', `/v1/deliveries/${failed.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/its session is completed/);
    expect((await ok('GET', '/v1/overview')).data.needs_attention).toEqual([]);
  });

  it('retry of a paused flow’s delivery waits for the flow to resume', async () => {
    const { hook } = await setup();
    const failed = ((await ok('GET', `/v1/deliveries?flow_id=${hook}&status=failed`)).data as Array<{ id: string; session_id: string }>)[0]!;
    await ok('POST', `/v1/flows/${hook}/pause`);
    await ok('POST', `/v1/deliveries/${failed.id}/retry`, undefined, 202);
    const sentBefore = s.receiver.requests.length;
    await s.h.drain();
    expect(s.receiver.requests.length).toBe(sentBefore);
    await ok('POST', `/v1/flows/${hook}/resume`);
    await s.h.drain();
    expect(s.receiver.requests.slice(sentBefore).map((r) => r.path)).toEqual(['/hook', '/after']);
    expect((await ok('GET', `/v1/sessions/${failed.session_id}`)).data.status).toBe('completed');
  });

  it('flow schemas: the flow and every step kind as JSON Schema, channels, template variables', async () => {
    const { data } = await ok('GET', '/v1/schemas/flow');
    expect(Object.keys(data.steps).sort()).toEqual(['branch', 'email', 'exit', 'send', 'update_contact', 'wait', 'webhook']);
    expect(data.flow.required).toEqual(expect.arrayContaining(['name', 'trigger', 'steps']));
    expect(data.flow.$defs).toHaveProperty('Step');
    expect(data.flow.$defs).toHaveProperty('Condition');
    expect(data.steps.webhook.properties.webhook.required).toEqual(['url']);
    expect(data.steps.wait.properties.wait.properties.until.anyOf).toHaveLength(2);
    expect(data.steps.email.properties.email.properties.calendar.anyOf[0]).toEqual({ type: 'boolean' });
    const slack = data.channels.find((c: { kind: string }) => c.kind === 'slack');
    expect(slack).toMatchObject({ name: expect.any(String), config: { type: 'object' } });
    expect(Array.isArray(slack.credential_fields)).toBe(true);
    expect(data.variables.contact).toContain('contact.first_name');
    expect(data.variables.appointment).toEqual(expect.arrayContaining(['appointment.start_at', 'appointment.datetime', 'appointment.service_name']));
    expect(data.variables.event).toEqual(expect.arrayContaining(['event.service_name', 'event.name', 'event.occurred_at']));
    expect(data.variables.flow).toEqual(['flow.id', 'flow.name', 'flow.version']);
    expect(JSON.stringify(data.variables)).not.toContain('secrets');
  });

  it('unknown ids answer 404, never another workspace’s data', async () => {
    expect((await s.h.api('POST', '/v1/deliveries/dl_nope/retry')).status).toBe(404);
    expect((await s.h.api('GET', '/v1/flows/fl_nope/step-counts')).status).toBe(404);
    const other = await s.h.otherWorkspace();
    await setup();
    const theirs = await s.h.api('GET', '/v1/overview', undefined, { authorization: `Bearer ${other.apiKey}` });
    expect(theirs.body.data).toMatchObject({ scheduled: { today: 0, tomorrow: 0 }, sends_7d: { sent: 0, failed: 0, skipped: 0 }, needs_attention: [] });
    const analytics = await s.h.api('GET', '/v1/analytics', undefined, { authorization: `Bearer ${other.apiKey}` });
    expect(analytics.body.data.totals.sessions_started).toBe(0);
    expect(analytics.body.data.flows).toEqual([]);
  });

});
