/**
 * Getting in and who may do what, on SQLite and PostgreSQL: the setup link makes the owner; sign-in
 * with a cookie session, CSRF on cookie writes, failure limits, two-factor codes (and the workspace
 * rule that requires them); invites, roles and removal with the last-owner rule; the audit log; and
 * a matrix of every documented operation × role, for API keys and a signed-in user.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { can, ROLES, type Role } from '../../src/core/roles.js';
import { createInvite } from '../../src/engine/accounts/invites.js';
import { currentCode } from '../../src/engine/accounts/two-factor.js';
import { ACCESS_RULES } from '../../src/server/access-rules.js';
import { createApp } from '../../src/server/app.js';
import { buildOpenApiDocument } from '../../src/server/openapi.js';
import { createApiKey } from '../../src/store/repositories/workspaces.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const PASSWORD = 'correct horse battery';
const FLOW = { name: 'F', trigger: { event: 'appointment.created' }, steps: [{ webhook: { url: 'https://example.com/hook' } }] };

/** A browser: keeps the session cookie and the CSRF token, as the web app does. */
class Browser {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(private readonly h: Harness) {}

  async call(method: string, path: string, body?: unknown, options: { csrf?: boolean } = {}) {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if ((options.csrf ?? true) && this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const res = await this.h.raw(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const match = /nudge_session=([^;]*)/.exec(setCookie);
      this.cookie = match && match[1] ? `nudge_session=${match[1]}` : null;
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as any) : null;
    if (json?.data?.csrf_token) this.csrf = json.data.csrf_token;
    return { status: res.status, body: json, headers: res.headers, setCookie };
  }
}

async function inviteLink(h: Harness, role: Role = 'owner', kind: 'setup' | 'invite' = 'setup', email: string | null = null) {
  const { token } = await createInvite(h.testStore.store.db, { workspaceId: h.workspaceId, kind, role, email, createdBy: null }, h.clock.now());
  return token;
}

async function join(h: Harness, role: Role, email: string): Promise<Browser> {
  const browser = new Browser(h);
  const token = await inviteLink(h, role, 'invite');
  const res = await browser.call('POST', `/v1/auth/invites/${token}/accept`, { email, name: email.split('@')[0], password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return browser;
}

describe.each(testDialects())('access (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  describe('the setup link and sign-in', () => {
    it('makes the owner once, signs them in with an HttpOnly cookie, and shows who they are', async () => {
      const token = await inviteLink(h);
      const browser = new Browser(h);
      const described = await browser.call('GET', `/v1/auth/invites/${token}`);
      expect(described.body.data).toMatchObject({ kind: 'setup', role: 'owner', workspace_name: 'test', email: null });

      const accepted = await browser.call('POST', `/v1/auth/invites/${token}/accept`, { email: 'Zoe@Example.com', name: 'Zoë', password: PASSWORD });
      expect(accepted.status).toBe(201);
      expect(accepted.setCookie).toMatch(/nudge_session=[\w-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/);
      expect(accepted.setCookie).not.toMatch(/Secure/);
      expect(accepted.body.data.user).toMatchObject({ email: 'zoe@example.com', name: 'Zoë', role: 'owner', two_factor_enabled: false });

      const me = await browser.call('GET', '/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.data).toMatchObject({ user: { email: 'zoe@example.com' }, workspace: { id: h.workspaceId }, two_factor_setup_required: false });

      const again = await new Browser(h).call('POST', `/v1/auth/invites/${token}/accept`, { email: 'eve@example.com', name: 'Eve', password: PASSWORD });
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe('invite_not_found');
    });

    it('sets Secure on the cookie when the request came over TLS', async () => {
      const token = await inviteLink(h);
      const res = await h.raw(`https://nudge.example.com/v1/auth/invites/${token}/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'zoe@example.com', name: 'Zoë', password: PASSWORD }),
      });
      expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
    });

    it('refuses weak passwords and bad emails with the field’s path, and an expired link', async () => {
      const token = await inviteLink(h);
      const weak = await new Browser(h).call('POST', `/v1/auth/invites/${token}/accept`, { email: 'zoe@example.com', name: 'Zoë', password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body.error.path).toBe('password');
      const bad = await new Browser(h).call('POST', `/v1/auth/invites/${token}/accept`, { email: 'nope', name: 'Zoë', password: PASSWORD });
      expect(bad.body.error.path).toBe('email');
      h.clock.advance(8 * 24 * 3600_000);
      expect((await new Browser(h).call('GET', `/v1/auth/invites/${token}`)).status).toBe(404);
    });

    it('signs in with the right password only, then out; a signed-out cookie no longer works', async () => {
      await join(h, 'admin', 'ada@example.com');
      const browser = new Browser(h);
      const wrong = await browser.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: 'wrong password!' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('invalid_credentials');
      const unknown = await browser.call('POST', '/v1/auth/sign-in', { email: 'nobody@example.com', password: PASSWORD });
      expect(unknown.body.error).toEqual(wrong.body.error);

      expect((await browser.call('POST', '/v1/auth/sign-in', { email: 'ADA@example.com', password: PASSWORD })).status).toBe(200);
      const stale = browser.cookie;
      expect((await browser.call('GET', '/v1/flows')).status).toBe(200);
      expect((await browser.call('POST', '/v1/auth/sign-out')).status).toBe(204);
      browser.cookie = stale;
      expect((await browser.call('GET', '/v1/flows')).status).toBe(401);
    });

    it('refuses the sixth wrong password for an email in 15 minutes with 429 and Retry-After, the right one too', async () => {
      await join(h, 'admin', 'ada@example.com');
      const browser = new Browser(h);
      for (let i = 0; i < 5; i++) expect((await browser.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: `wrong ${i} password` })).status).toBe(401);
      const limited = await browser.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: PASSWORD });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('too_many_attempts');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
      h.clock.advance(15 * 60_000 + 1);
      expect((await browser.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: PASSWORD })).status).toBe(200);
    });

    it('counts failures in the database: processes sharing it share the limit, and it holds no email or address', async () => {
      await join(h, 'admin', 'ada@example.com');
      const other = createApp(h.engine.ctx); // a second `serve` process on the same database
      const signInThere = (password: string) =>
        other.request('/v1/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com', password }) });
      const browser = new Browser(h);
      for (let i = 0; i < 3; i++) expect((await browser.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: `wrong ${i} password` })).status).toBe(401);
      for (let i = 3; i < 5; i++) expect((await signInThere(`wrong ${i} password`)).status).toBe(401);
      expect((await browser.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: PASSWORD })).status).toBe(429);
      expect((await signInThere(PASSWORD)).status).toBe(429);
      const rows = await h.testStore.store.db.selectFrom('sign_in_failures').selectAll().execute();
      expect(rows).toHaveLength(10);
      expect(JSON.stringify(rows)).not.toMatch(/ada|example|127\.0\.0\.1|unknown/);

      h.clock.advance(15 * 60_000 + 1);
      expect((await signInThere(PASSWORD)).status).toBe(200);
      // A success clears the email's failures; expired ones go with the next failure.
      expect((await browser.call('POST', '/v1/auth/sign-in', { email: 'zed@example.com', password: 'wrong password!' })).status).toBe(401);
      expect(await h.testStore.store.db.selectFrom('sign_in_failures').select('key').execute()).toHaveLength(2);
    });

    it('ends every session with sign-out-everywhere', async () => {
      const first = await join(h, 'admin', 'ada@example.com');
      const second = new Browser(h);
      await second.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: PASSWORD });
      expect((await second.call('POST', '/v1/auth/sign-out-everywhere')).status).toBe(204);
      expect((await first.call('GET', '/v1/auth/me')).status).toBe(401);
    });

    it('expires a session 14 days after its last use', async () => {
      const browser = await join(h, 'admin', 'ada@example.com');
      h.clock.advance(13 * 24 * 3600_000);
      expect((await browser.call('GET', '/v1/auth/me')).status).toBe(200);
      h.clock.advance(13 * 24 * 3600_000);
      expect((await browser.call('GET', '/v1/auth/me')).status).toBe(200);
      h.clock.advance(14 * 24 * 3600_000 + 1);
      expect((await browser.call('GET', '/v1/auth/me')).status).toBe(401);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated write without the token, or with another session’s', async () => {
      const browser = await join(h, 'admin', 'ada@example.com');
      const other = await join(h, 'admin', 'bob@example.com');
      const flow = { name: 'F', trigger: { event: 'appointment.created' }, steps: [{ webhook: { url: 'https://example.com/hook' } }] };
      const missing = await browser.call('POST', '/v1/flows', flow, { csrf: false });
      expect(missing.status).toBe(403);
      expect(missing.body.error.code).toBe('csrf_failed');
      browser.csrf = other.csrf;
      expect((await browser.call('POST', '/v1/flows', flow)).status).toBe(403);
      await browser.call('GET', '/v1/auth/me');
      expect((await browser.call('POST', '/v1/flows', flow)).status).toBe(201);
      expect((await h.api('GET', '/v1/flows')).body.data).toHaveLength(1);
    });
  });

  describe('two-factor sign-in', () => {
    it('turns on with a code, then asks for a code at sign-in and never takes one twice', async () => {
      const browser = await join(h, 'admin', 'ada@example.com');
      const setup = await browser.call('POST', '/v1/auth/two-factor/setup');
      expect(setup.body.data.otpauth_url).toMatch(/^otpauth:\/\/totp\/Nudge:ada%40example\.com\?.*secret=/);
      const secret = setup.body.data.secret as string;
      expect((await browser.call('POST', '/v1/auth/two-factor/enable', { code: '000000' })).status).toBe(400);
      expect((await browser.call('POST', '/v1/auth/two-factor/enable', { code: currentCode(secret, h.clock.now()) })).status).toBe(204);

      h.clock.advance(30_000);
      const fresh = new Browser(h);
      const asked = await fresh.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: PASSWORD });
      expect(asked.status).toBe(401);
      expect(asked.body.error).toMatchObject({ code: 'two_factor_required', path: 'code' });
      const code = currentCode(secret, h.clock.now());
      expect((await fresh.call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: PASSWORD, code })).status).toBe(200);
      const replay = await new Browser(h).call('POST', '/v1/auth/sign-in', { email: 'ada@example.com', password: PASSWORD, code });
      expect(replay.body.error.code).toBe('invalid_code');
      expect((await fresh.call('GET', '/v1/auth/me')).body.data.user.two_factor_enabled).toBe(true);
    });

    it('when the workspace requires it, a user without it may only set it up', async () => {
      const owner = await join(h, 'owner', 'zoe@example.com');
      const staff = await join(h, 'staff', 'sam@example.com');
      expect((await owner.call('PATCH', '/v1/workspace', { require_two_factor: true })).status).toBe(200);
      const blocked = await staff.call('GET', '/v1/flows');
      expect(blocked.status).toBe(403);
      expect(blocked.body.error.code).toBe('two_factor_setup_required');
      expect((await staff.call('GET', '/v1/auth/me')).body.data.two_factor_setup_required).toBe(true);
      const { secret } = (await staff.call('POST', '/v1/auth/two-factor/setup')).body.data;
      expect((await staff.call('POST', '/v1/auth/two-factor/enable', { code: currentCode(secret, h.clock.now()) })).status).toBe(204);
      expect((await staff.call('GET', '/v1/flows')).status).toBe(200);
      h.clock.advance(30_000);
      const off = await staff.call('POST', '/v1/auth/two-factor/disable', { code: currentCode(secret, h.clock.now()) });
      expect(off.status).toBe(409);
    });
  });

  describe('people', () => {
    it('an owner invites with a role, changes roles and removes people, and always keeps an owner', async () => {
      const owner = await join(h, 'owner', 'zoe@example.com');
      const invite = await owner.call('POST', '/v1/invites', { role: 'staff', email: 'sam@example.com' });
      expect(invite.status).toBe(201);
      expect(invite.body.data.url).toBe(`http://localhost/invite?token=${invite.body.data.token}`);
      expect((await owner.call('GET', '/v1/invites')).body.data).toEqual([expect.objectContaining({ id: invite.body.data.id, role: 'staff', url: null })]);

      const sam = new Browser(h);
      const wrongEmail = await sam.call('POST', `/v1/auth/invites/${invite.body.data.token}/accept`, { email: 'eve@example.com', name: 'Eve', password: PASSWORD });
      expect(wrongEmail.body.error.path).toBe('email');
      expect((await sam.call('POST', `/v1/auth/invites/${invite.body.data.token}/accept`, { email: 'sam@example.com', name: 'Sam', password: PASSWORD })).status).toBe(201);
      expect((await owner.call('GET', '/v1/invites')).body.data).toEqual([]);

      const users = (await owner.call('GET', '/v1/users')).body.data as Array<{ id: string; email: string; role: string }>;
      expect(users.map((u) => [u.email, u.role])).toEqual([['zoe@example.com', 'owner'], ['sam@example.com', 'staff']]);
      const zoe = users[0]!.id;
      const samId = users[1]!.id;
      expect((await sam.call('GET', '/v1/users')).status).toBe(403);

      const demote = await owner.call('PATCH', `/v1/users/${zoe}`, { role: 'admin' });
      expect(demote.status).toBe(409);
      expect(demote.body.error.code).toBe('last_owner');
      expect((await owner.call('DELETE', `/v1/users/${zoe}`)).status).toBe(409);
      expect((await owner.call('PATCH', `/v1/users/${samId}`, { role: 'admin' })).body.data.role).toBe('admin');
      expect((await sam.call('POST', '/v1/flows', FLOW)).status).toBe(201);
      expect((await owner.call('DELETE', `/v1/users/${samId}`)).status).toBe(200);
      expect((await sam.call('GET', '/v1/auth/me')).status).toBe(401);

      const other = await h.otherWorkspace();
      const foreign = await h.api('GET', `/v1/users`, undefined, { authorization: `Bearer ${other.apiKey}` });
      expect(foreign.body.data).toEqual([]);
      expect((await h.api('PATCH', `/v1/users/${zoe}`, { role: 'staff' }, { authorization: `Bearer ${other.apiKey}` })).status).toBe(404);
    });

    it('only an owner changes the plan, the flow limit or the two-factor rule', async () => {
      const admin = await join(h, 'admin', 'ada@example.com');
      expect((await admin.call('PATCH', '/v1/workspace', { name: 'Salon' })).status).toBe(200);
      for (const change of [{ plan: 'pro' }, { flow_limit: 3 }, { require_two_factor: true }]) {
        const res = await admin.call('PATCH', '/v1/workspace', change);
        expect(res.status, JSON.stringify(change)).toBe(403);
      }
      expect((await h.api('GET', '/v1/workspace')).body.data).toMatchObject({ name: 'Salon', plan: 'advanced', require_two_factor: false });
    });
  });

  describe('the audit log', () => {
    it('records who changed flows, secrets, keys, users and settings, newest first, for owners only', async () => {
      const owner = await join(h, 'owner', 'zoe@example.com');
      const admin = await join(h, 'admin', 'ada@example.com');
      const flow = await admin.call('POST', '/v1/flows', FLOW);
      await admin.call('PUT', `/v1/flows/${flow.body.data.id}`, { ...FLOW, name: 'F2' });
      await admin.call('PUT', '/v1/secrets/API_TOKEN', { value: 'very-secret-value' });
      const key = await owner.call('POST', '/v1/api-keys', { name: 'ci', role: 'staff' });
      await owner.call('PATCH', '/v1/workspace', { timezone: 'Europe/Zurich' });
      await admin.call('PUT', '/v1/secrets/OTHER', {}); // invalid: not recorded

      expect((await admin.call('GET', '/v1/audit-log')).status).toBe(403);
      const log = await owner.call('GET', '/v1/audit-log');
      expect(log.status).toBe(200);
      const entries = (log.body.data as Array<{ action: string; actor: { label: string }; target: { id: string } | null }>).map((e) => [e.action, e.actor.label, e.target?.id]);
      expect(entries).toEqual([
        ['workspace.updated', 'zoe@example.com', h.workspaceId],
        ['api_key.created', 'zoe@example.com', key.body.data.id],
        ['secret.set', 'ada@example.com', 'API_TOKEN'],
        ['flow.updated', 'ada@example.com', flow.body.data.id],
        ['flow.created', 'ada@example.com', flow.body.data.id],
        ['user.joined', 'ada@example.com', expect.stringMatching(/^us_/)],
        ['user.joined', 'zoe@example.com', expect.stringMatching(/^us_/)],
      ]);
      expect(JSON.stringify(log.body)).not.toContain('very-secret-value');
      const filtered = await owner.call('GET', '/v1/audit-log?action=flow.updated');
      expect(filtered.body.data).toHaveLength(1);
      const page = await owner.call('GET', '/v1/audit-log?limit=2');
      const next = await owner.call('GET', `/v1/audit-log?limit=2&cursor=${page.body.next_cursor}`);
      expect(next.body.data[0].action).toBe('secret.set');
    });
  });

  describe('every documented operation × role', () => {
    const operations = Object.entries(buildOpenApiDocument().paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.startsWith('/v1/') && path !== '/v1/openapi.json')
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));

    it('has an access rule for every operation, and no rule without an operation', () => {
      expect(operations.filter((op) => !ACCESS_RULES[op])).toEqual([]);
      expect(Object.keys(ACCESS_RULES).filter((op) => !operations.includes(op))).toEqual([]);
    });

    const concrete = (op: string) => op.split(' ')[1]!.replace(/:(\w+)/g, (_m, name: string) => (name === 'name' ? 'SOME_SECRET' : `missing_${name}`));

    async function send(op: string, headers: Record<string, string>) {
      const method = op.split(' ')[0]!;
      const res = await h.raw(concrete(op), {
        method,
        headers: { ...headers, ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
        body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
      });
      const type = res.headers.get('content-type') ?? '';
      if (!type.includes('json')) {
        await res.body?.cancel();
        return { status: res.status, code: undefined };
      }
      return { status: res.status, code: ((await res.json()) as { error?: { code?: string } }).error?.code };
    }

    it.each(ROLES)('an API key with role %s gets 403 exactly where its role lacks the permission', async (role) => {
      const { key } = await createApiKey(h.testStore.store.db, h.workspaceId, role, h.clock.now(), role);
      const wrong: string[] = [];
      for (const op of operations) {
        const rule = ACCESS_RULES[op]!;
        if (rule.access === 'public') continue;
        const { status, code } = await send(op, { authorization: `Bearer ${key}` });
        const expected = rule.access === 'user' ? 401 : can(role, rule.access) ? 'allowed' : 403;
        const got = status === 403 && code === 'forbidden' ? 403 : status === 401 ? 401 : status < 500 ? 'allowed' : `5xx ${status}`;
        if (got !== expected) wrong.push(`${op}: expected ${expected}, got ${status} ${code}`);
      }
      expect(wrong).toEqual([]);
    });

    it.each(ROLES)('a signed-in %s gets 403 exactly where the role lacks the permission', async (role) => {
      const browser = role === 'owner' ? await join(h, 'owner', 'zoe@example.com') : await join(h, role, `${role}@example.com`);
      const wrong: string[] = [];
      for (const op of operations) {
        const rule = ACCESS_RULES[op]!;
        if (rule.access === 'public' || rule.access === 'user') continue;
        const { status, code } = await send(op, { cookie: browser.cookie!, 'x-csrf-token': browser.csrf! });
        const expected = can(role, rule.access) ? 'allowed' : 403;
        const got = status === 403 && code === 'forbidden' ? 403 : status < 500 && status !== 401 ? 'allowed' : `${status}`;
        if (got !== expected) wrong.push(`${op}: expected ${expected}, got ${status} ${code}`);
      }
      expect(wrong).toEqual([]);
    });

    it('answers 401 to every non-public operation without credentials', async () => {
      const open: string[] = [];
      for (const op of operations) {
        if (ACCESS_RULES[op]!.access === 'public') continue;
        const { status } = await send(op, {});
        if (status !== 401) open.push(`${op}: ${status}`);
      }
      expect(open).toEqual([]);
    });
  });
});
