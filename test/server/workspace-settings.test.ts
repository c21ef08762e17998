/**
 * Workspace settings through the API, on SQLite and PostgreSQL: read, change (timezone, sender,
 * country, plan, flow limit), refuse bad values without writing anything, and the first start's
 * workspace has no flow cap unless NUDGE_FLOW_LIMIT sets one.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { bootstrapIfEmpty, createEngine } from '../../src/engine/engine.js';
import { getWorkspace } from '../../src/store/repositories/workspaces.js';
import { createHarness, ManualClock, T0, type Harness } from '../helpers/harness.js';
import { createTestStore, testDialects } from '../helpers/test-store.js';

const flow = (name: string) => ({ name, trigger: { event: 'signup' }, steps: [{ wait: { duration: '1h' } }, { exit: null }] });

describe.each(testDialects())('workspace settings (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(dialect, {}, { plan: 'small' });
  });
  afterEach(async () => {
    await h.close();
  });

  it('shows the settings of the key’s workspace', async () => {
    const res = await h.api('GET', '/v1/workspace');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      id: h.workspaceId,
      name: 'test',
      plan: 'small',
      flow_limit: 1,
      timezone: 'UTC',
      sender_email: null,
      country: null,
      require_two_factor: false,
      retention_events_days: null,
      retention_deliveries_days: null,
      retention_outbox_days: null,
      created_at: new Date(T0).toISOString(),
    });
  });

  it('changes timezone, sender, country and name, and keeps what is not sent', async () => {
    const res = await h.api('PATCH', '/v1/workspace', {
      name: 'Salon Zoë',
      timezone: 'Europe/Zurich',
      sender_email: 'Salon Zoë <hi@example.com>',
      country: 'ch',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'Salon Zoë', timezone: 'Europe/Zurich', sender_email: 'Salon Zoë <hi@example.com>', country: 'CH', plan: 'small', flow_limit: 1 });
    expect((await h.api('GET', '/v1/workspace')).body.data).toEqual(res.body.data);

    const cleared = await h.api('PATCH', '/v1/workspace', { sender_email: null, country: null });
    expect(cleared.body.data).toMatchObject({ name: 'Salon Zoë', timezone: 'Europe/Zurich', sender_email: null, country: null });
  });

  it('lifts the flow cap: a second flow goes live once the limit is null', async () => {
    expect((await h.api('POST', '/v1/flows?activate=true', flow('First'))).status).toBe(201);
    const draft = await h.api('POST', '/v1/flows', flow('Second'));
    const refused = await h.api('POST', `/v1/flows/${draft.body.data.id}/activate`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('plan_limit_reached');

    const lifted = await h.api('PATCH', '/v1/workspace', { flow_limit: null });
    expect(lifted.body.data).toMatchObject({ plan: 'unlimited', flow_limit: null });
    const second = await h.api('POST', `/v1/flows/${draft.body.data.id}/activate`);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.data.status).toBe('active');
  });

  it('sets plans and custom limits by one rule', async () => {
    const patch = async (body: unknown) => (await h.api('PATCH', '/v1/workspace', body)).body.data;
    expect(await patch({ plan: 'pro' })).toMatchObject({ plan: 'pro', flow_limit: 6 });
    expect(await patch({ plan: 'advanced', flow_limit: 9 })).toMatchObject({ plan: 'advanced', flow_limit: 9 });
    expect(await patch({ flow_limit: 25 })).toMatchObject({ plan: 'custom', flow_limit: 25 });
    expect(await patch({ plan: 'unlimited' })).toMatchObject({ plan: 'unlimited', flow_limit: null });
    expect(await patch({ plan: 'custom', flow_limit: 3 })).toMatchObject({ plan: 'custom', flow_limit: 3 });
    expect(await patch({ plan: 'small' })).toMatchObject({ plan: 'small', flow_limit: 1 });
    expect(await patch({ plan: 'custom' })).toMatchObject({ plan: 'custom', flow_limit: 1 });
  });

  it.each([
    [{ timezone: 'Mars/Base' }, 'timezone'],
    [{ timezone: 7 }, 'timezone'],
    [{ sender_email: 'not an email' }, 'sender_email'],
    [{ sender_email: 'Salon <not-an-email>' }, 'sender_email'],
    [{ country: 'XX' }, 'country'],
    [{ country: 'France' }, 'country'],
    [{ plan: 'enterprise' }, 'plan'],
    [{ flow_limit: 0 }, 'flow_limit'],
    [{ flow_limit: 2.5 }, 'flow_limit'],
    [{ flow_limit: '3' }, 'flow_limit'],
    [{ plan: 'pro', flow_limit: 3 }, 'flow_limit'],
    [{ plan: 'unlimited', flow_limit: 3 }, 'flow_limit'],
    [{ name: '' }, 'name'],
    [{ id: 'ws_other' }, 'id'],
    [{ created_at: 1 }, 'created_at'],
  ])('refuses %j at %s and changes nothing', async (body, path) => {
    const before = await getWorkspace(h.testStore.store.db, h.workspaceId);
    const res = await h.api('PATCH', '/v1/workspace', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.path).toBe(path);
    expect(await getWorkspace(h.testStore.store.db, h.workspaceId)).toEqual(before);
  });

  it('a key changes only its own workspace', async () => {
    const other = await h.otherWorkspace();
    const before = await getWorkspace(h.testStore.store.db, other.workspaceId);
    await h.api('PATCH', '/v1/workspace', { timezone: 'Asia/Tokyo', plan: 'unlimited' });
    expect(await getWorkspace(h.testStore.store.db, other.workspaceId)).toEqual(before);
  });
});

describe.each(testDialects())('the first start’s workspace (%s)', (dialect) => {
  async function bootstrap(env: Record<string, string>) {
    const testStore = await createTestStore(dialect);
    const config = loadConfig({ NUDGE_LOG_LEVEL: 'silent', NUDGE_DATA_DIR: '/nonexistent', NUDGE_SECRET_KEY: 'ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMtISE=', ...env });
    const engine = await createEngine(config, { store: testStore.store, clock: new ManualClock(T0), logger: pino({ level: 'silent' }) });
    try {
      const boot = await bootstrapIfEmpty(engine.ctx);
      return await getWorkspace(testStore.store.db, boot!.workspaceId);
    } finally {
      await engine.scheduler.stop(1000);
      await testStore.cleanup();
    }
  }

  it('has no flow cap by default', async () => {
    expect(await bootstrap({})).toMatchObject({ name: 'default', plan: 'unlimited', flow_limit: null });
  });

  it('takes its cap from NUDGE_FLOW_LIMIT', async () => {
    expect(await bootstrap({ NUDGE_FLOW_LIMIT: '3' })).toMatchObject({ plan: 'custom', flow_limit: 3 });
  });

  it('refuses a NUDGE_FLOW_LIMIT that is not a positive integer', () => {
    expect(() => loadConfig({ NUDGE_FLOW_LIMIT: '0' })).toThrow(/NUDGE_FLOW_LIMIT/);
  });
});
