/**
 * API keys through the API, on SQLite and PostgreSQL: create (the key shown once), list (never the
 * key or its hash), revoke; one workspace never sees or revokes another's keys; revoking the key
 * in use answers that request and refuses the next.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listApiKeys } from '../../src/store/repositories/workspaces.js';
import { createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

describe.each(testDialects())('API keys (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  it('creates a key shown once that works, and lists keys without secrets', async () => {
    const created = await h.api('POST', '/v1/api-keys', { name: 'ci' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { key, ...record } = created.body.data;
    expect(key).toMatch(/^nk_[\w-]{43}$/);
    expect(record).toEqual({ id: expect.stringMatching(/^key_/), name: 'ci', prefix: key.slice(0, 10), created_at: new Date(T0).toISOString(), last_used_at: null, revoked_at: null, role: 'admin' });

    h.clock.advance(5000);
    expect((await h.api('GET', '/v1/workspace', undefined, as(key))).status).toBe(200);

    const list = await h.api('GET', '/v1/api-keys');
    expect(list.status).toBe(200);
    expect(list.body.data.map((k: { name: string }) => k.name)).toEqual(['test', 'ci']);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(key);
    expect(text).not.toContain(h.apiKey);
    for (const row of await listApiKeys(h.testStore.store.db, h.workspaceId)) expect(text).not.toContain(row.key_hash);
    expect(list.body.data[1].last_used_at).toBe(new Date(T0 + 5000).toISOString());
    for (const k of list.body.data) expect(Object.keys(k).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name', 'prefix', 'revoked_at', 'role']);
  });

  it('revokes a key: it gets 401 from then on and stays listed as revoked', async () => {
    const { key, id } = (await h.api('POST', '/v1/api-keys', { name: 'ci' })).body.data;
    h.clock.advance(1000);
    const revoked = await h.api('DELETE', `/v1/api-keys/${id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.data).toMatchObject({ id, revoked_at: new Date(T0 + 1000).toISOString() });
    const refused = await h.api('GET', '/v1/workspace', undefined, as(key));
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    const listed = (await h.api('GET', '/v1/api-keys')).body.data.find((k: { id: string }) => k.id === id);
    expect(listed.revoked_at).toBe(new Date(T0 + 1000).toISOString());

    h.clock.advance(1000);
    const again = await h.api('DELETE', `/v1/api-keys/${id}`);
    expect(again.body.data.revoked_at).toBe(new Date(T0 + 1000).toISOString());
  });

  it('may revoke the key in use: that request succeeds, the next is refused', async () => {
    const own = (await h.api('GET', '/v1/api-keys')).body.data[0];
    const revoked = await h.api('DELETE', `/v1/api-keys/${own.id}`);
    expect(revoked.status).toBe(200);
    expect((await h.api('GET', '/v1/api-keys')).status).toBe(401);
  });

  it('never shows or revokes another workspace’s keys', async () => {
    const other = await h.otherWorkspace();
    const otherKeys = (await h.api('GET', '/v1/api-keys', undefined, as(other.apiKey))).body.data;
    expect(otherKeys).toHaveLength(1);
    const mine = (await h.api('GET', '/v1/api-keys')).body.data;
    expect(mine.map((k: { id: string }) => k.id)).not.toContain(otherKeys[0].id);

    const attempt = await h.api('DELETE', `/v1/api-keys/${otherKeys[0].id}`);
    expect(attempt.status).toBe(404);
    const byPrefix = await h.api('DELETE', `/v1/api-keys/${otherKeys[0].prefix}`);
    expect(byPrefix.status).toBe(404);
    expect((await h.api('GET', '/v1/workspace', undefined, as(other.apiKey))).status).toBe(200);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 7 }, 'name'],
    [{ name: 'ci', workspace_id: 'ws_x' }, 'workspace_id'],
  ])('refuses %j at %s', async (body, path) => {
    const res = await h.api('POST', '/v1/api-keys', body);
    expect(res.status).toBe(400);
    expect(res.body.error.path).toBe(path);
    expect(await listApiKeys(h.testStore.store.db, h.workspaceId)).toHaveLength(1);
  });
});
