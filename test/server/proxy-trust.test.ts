/**
 * Requests through reverse proxies, on SQLite and PostgreSQL: X-Forwarded-For/-Proto/-Host count
 * only when the direct peer is trusted (NUDGE_TRUST_PROXY). A spoofed header from anyone else
 * changes neither the sign-in limiter's key, nor the cookie's Secure flag, nor the links Nudge
 * hands out, nor the address in the audit log. NUDGE_PUBLIC_URL wins over both for links. Also how
 * the CLI reaches a server listening on every interface.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createInvite } from '../../src/engine/accounts/invites.js';
import { createApp } from '../../src/server/app.js';
import { listen } from '../../src/server/http-server.js';
import { parseTrustProxy } from '../../src/server/proxy-trust.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import type { Dialect } from '../../src/store/store.js';
import { testDialects } from '../helpers/test-store.js';

const PASSWORD = 'correct horse battery';
/** 31 deliberately slow password checks each, on a machine that may be busy. */
const LIMITER_TIMEOUT_MS = 120_000;

describe('NUDGE_TRUST_PROXY', () => {
  it('reads off, one hop, and lists of IPs, CIDRs and named ranges', () => {
    expect(parseTrustProxy(undefined)).toEqual({ kind: 'none' });
    expect(parseTrustProxy('0')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('false')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('1')).toEqual({ kind: 'peer' });
    expect(parseTrustProxy(' TRUE ')).toEqual({ kind: 'peer' });
    expect(parseTrustProxy('loopback, 10.1.2.3 ,fd00::/8')).toEqual({ kind: 'addresses', entries: ['127.0.0.0/8', '::1/128', '10.1.2.3', 'fd00::/8'] });
    expect(parseTrustProxy('private').kind).toBe('addresses');
  });

  it('refuses what it does not understand, naming the variable', () => {
    for (const bad of ['proxy.internal', '10.0.0.0/33', '2', 'loopback,*', '300.1.1.1']) {
      expect(() => loadConfig({ NUDGE_TRUST_PROXY: bad }), bad).toThrow(/NUDGE_TRUST_PROXY/);
    }
    expect(loadConfig({ NUDGE_TRUST_PROXY: 'loopback' }).trustProxy).toEqual({ kind: 'addresses', entries: ['127.0.0.0/8', '::1/128'] });
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
  });

  it('reaches a wildcard listen address on loopback, and writes IPv6 in brackets', () => {
    expect(loadConfig({ NUDGE_HOST: '0.0.0.0', PORT: '8080' }).client.url).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ NUDGE_HOST: '::', PORT: '8080' }).client.url).toBe('http://[::1]:8080');
    expect(loadConfig({ NUDGE_HOST: '::1' }).client.url).toBe('http://[::1]:3000');
    expect(loadConfig({ NUDGE_HOST: '10.0.0.5' }).client.url).toBe('http://10.0.0.5:3000');
  });

  it('takes a public URL with only an origin', () => {
    expect(loadConfig({ NUDGE_PUBLIC_URL: 'https://nudge.example.com/' }).publicUrl).toBe('https://nudge.example.com');
    for (const bad of ['https://nudge.example.com/app', 'ftp://nudge.example.com', 'https://nudge.example.com/?a=1', 'nudge.example.com']) {
      expect(() => loadConfig({ NUDGE_PUBLIC_URL: bad }), bad).toThrow(/NUDGE_PUBLIC_URL/);
    }
  });
});

type Send = (peer: string, method: string, path: string, headers?: Record<string, string>, body?: unknown) => Promise<{ status: number; body: any; setCookie: string | null }>;

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** An app whose requests arrive from `peer` (the TCP peer address), with the harness's config plus `env`. */
async function appFor(dialect: Dialect, env: Record<string, string>): Promise<{ harness: Harness; send: Send }> {
  h = await createHarness(dialect, env);
  const app = createApp(h.engine.ctx);
  const send: Send = async (peer, method, path, headers = {}, body) => {
    const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await app.request(`http://10.9.8.7:3000${path}`, init, { incoming: { socket: { remoteAddress: peer } } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, setCookie: res.headers.get('set-cookie') };
  };
  return { harness: h, send };
}

async function owner(harness: Harness, send: Send): Promise<void> {
  const { token } = await createInvite(harness.testStore.store.db, { workspaceId: harness.workspaceId, kind: 'setup', role: 'owner', email: null, createdBy: null }, harness.clock.now());
  const res = await send('127.0.0.1', 'POST', `/v1/auth/invites/${token}/accept`, {}, { email: 'ada@example.com', name: 'Ada', password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const signIn = (send: Send, peer: string, headers: Record<string, string>, email: string, password: string) =>
  send(peer, 'POST', '/v1/auth/sign-in', headers, { email, password });

/** 30 failures (distinct emails, so only the address count fills) claiming `headers(i)`; then is the 31st, claiming `last`, limited? */
async function limitedAfterThirty(send: Send, peer: string, headers: (i: number) => Record<string, string>, last: Record<string, string>) {
  for (let i = 0; i < 30; i++) expect((await signIn(send, peer, headers(i), `nobody${i}@example.com`, 'wrong password!')).status).toBe(401);
  return (await signIn(send, peer, last, 'someone@example.com', 'wrong password!')).status === 429;
}

/** The limiter counts in memory: the database plays no part, so these run on SQLite only (each is 31 password checks). */
describe('the sign-in limiter behind proxies', () => {
  it('ignores an untrusted peer\'s X-Forwarded-For: the limiter counts the peer, and the audit log names it', async () => {
    const { harness, send } = await appFor('sqlite', {});
    const spoof = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}` });
    expect(await limitedAfterThirty(send, '203.0.113.9', spoof, { 'x-forwarded-for': '198.51.100.200' })).toBe(true);
    await owner(harness, send);
    expect((await signIn(send, '192.0.2.44', { 'x-forwarded-for': '198.51.100.7' }, 'ada@example.com', PASSWORD)).status).toBe(200);
    const audit = await harness.api('GET', '/v1/audit-log?action=user.signed_in');
    expect(audit.body.data[0].details).toEqual({ client_ip: '192.0.2.44' });
  }, LIMITER_TIMEOUT_MS);

  it('believes X-Forwarded-For from a trusted proxy: each forwarded client has its own count', async () => {
    const { harness, send } = await appFor('sqlite', { NUDGE_TRUST_PROXY: 'loopback,10.0.0.0/8' });
    const client = { 'x-forwarded-for': '198.51.100.1' };
    expect(await limitedAfterThirty(send, '10.0.0.2', () => client, { 'x-forwarded-for': '198.51.100.2' })).toBe(false);
    expect((await signIn(send, '127.0.0.1', client, 'x@example.com', 'wrong password!')).status).toBe(429);
    // The same header from a peer outside the list counts that peer.
    expect((await signIn(send, '203.0.113.5', client, 'x@example.com', 'wrong password!')).status).toBe(401);

    await owner(harness, send);
    // A chain: client → 10.0.0.3 → 10.0.0.2 (the peer); what the client wrote itself, left of that, is not read.
    expect((await signIn(send, '10.0.0.2', { 'x-forwarded-for': '1.1.1.1, 198.51.100.99, 10.0.0.3' }, 'ada@example.com', PASSWORD)).status).toBe(200);
    const audit = await harness.api('GET', '/v1/audit-log?action=user.signed_in');
    expect(audit.body.data[0].details).toEqual({ client_ip: '198.51.100.99' });
  }, LIMITER_TIMEOUT_MS);
});

describe.each(testDialects())('requests through proxies (%s)', (dialect) => {
  it('with 1, trusts one hop whatever its address, and no more', async () => {
    const { harness, send } = await appFor(dialect, { NUDGE_TRUST_PROXY: '1' });
    await owner(harness, send);
    expect((await signIn(send, '203.0.113.1', { 'x-forwarded-for': '198.51.100.5, 192.0.2.8' }, 'ada@example.com', PASSWORD)).status).toBe(200);
    const audit = await harness.api('GET', '/v1/audit-log?action=user.signed_in');
    expect(audit.body.data[0].details).toEqual({ client_ip: '192.0.2.8' });
    const joined = await harness.api('GET', '/v1/audit-log?action=user.joined');
    expect(joined.body.data[0].details).toMatchObject({ role: 'owner', client_ip: '127.0.0.1' });
  });

  it('sets Secure on the cookie only when a trusted proxy says the client used https', async () => {
    const untrusted = await appFor(dialect, {});
    await owner(untrusted.harness, untrusted.send);
    const spoofed = await signIn(untrusted.send, '203.0.113.9', { 'x-forwarded-proto': 'https' }, 'ada@example.com', PASSWORD);
    expect(spoofed.status).toBe(200);
    expect(spoofed.setCookie).toMatch(/HttpOnly/);
    expect(spoofed.setCookie).not.toMatch(/Secure/);
    await untrusted.harness.close();
    h = null;

    const trusted = await appFor(dialect, { NUDGE_TRUST_PROXY: '127.0.0.1' });
    await owner(trusted.harness, trusted.send);
    const viaProxy = await signIn(trusted.send, '127.0.0.1', { 'x-forwarded-proto': 'https' }, 'ada@example.com', PASSWORD);
    expect(viaProxy.setCookie).toMatch(/; Secure/);
    const plain = await signIn(trusted.send, '127.0.0.1', { 'x-forwarded-proto': 'http' }, 'ada@example.com', PASSWORD);
    expect(plain.setCookie).not.toMatch(/Secure/);
    const direct = await signIn(trusted.send, '203.0.113.9', { 'x-forwarded-proto': 'https' }, 'ada@example.com', PASSWORD);
    expect(direct.setCookie).not.toMatch(/Secure/);
  });

  it('builds links from a trusted proxy\'s host and scheme, from the Host otherwise, and from NUDGE_PUBLIC_URL above both', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'book.example.com' };
    const links = async (send: Send, key: string, peer: string, headers: Record<string, string>) => {
      const auth = { authorization: `Bearer ${key}`, ...headers };
      const source = await send(peer, 'POST', '/v1/sources', auth, { kind: 'calcom', name: `s ${Math.random()}` });
      const invite = await send(peer, 'POST', '/v1/invites', auth, { role: 'staff' });
      expect(source.status, JSON.stringify(source.body)).toBe(201);
      expect(invite.status, JSON.stringify(invite.body)).toBe(201);
      return [new URL(source.body.data.url).origin, new URL(invite.body.data.url).origin];
    };

    const trusted = await appFor(dialect, { NUDGE_TRUST_PROXY: 'loopback' });
    expect(await links(trusted.send, trusted.harness.apiKey, '127.0.0.1', forwarded)).toEqual(['https://book.example.com', 'https://book.example.com']);
    expect(await links(trusted.send, trusted.harness.apiKey, '203.0.113.9', forwarded)).toEqual(['http://10.9.8.7:3000', 'http://10.9.8.7:3000']);
    // A forwarded host that is not a plain host[:port] is ignored; the scheme still counts.
    expect(await links(trusted.send, trusted.harness.apiKey, '127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example/@x' })).toEqual([
      'https://10.9.8.7:3000',
      'https://10.9.8.7:3000',
    ]);
    await trusted.harness.close();
    h = null;

    const pinned = await appFor(dialect, { NUDGE_TRUST_PROXY: 'loopback', NUDGE_PUBLIC_URL: 'https://nudge.example.com' });
    expect(await links(pinned.send, pinned.harness.apiKey, '127.0.0.1', forwarded)).toEqual(['https://nudge.example.com', 'https://nudge.example.com']);
  });

  it('reads the real socket peer of a listening server', async () => {
    h = await createHarness(dialect, { NUDGE_TRUST_PROXY: 'loopback' });
    const server = await listen(createApp(h.engine.ctx), '127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/v1/invites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'nudge.example.org', 'x-forwarded-for': '198.51.100.3' },
        body: JSON.stringify({ role: 'staff' }),
      });
      const body = (await res.json()) as { data: { url: string } };
      expect(res.status).toBe(201);
      expect(body.data.url.startsWith('https://nudge.example.org/')).toBe(true);
      const audit = await h.api('GET', '/v1/audit-log?action=user.invited');
      expect(audit.body.data[0].details).toMatchObject({ client_ip: '198.51.100.3', role: 'staff' });
    } finally {
      await server.close();
    }
  });
});
