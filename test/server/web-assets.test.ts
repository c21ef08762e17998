/**
 * Serving the web build: the app's page for client-side routes, hashed assets cached for a year,
 * content types, security headers, no way out of the build folder, a clear 503 when there is no
 * build, and the API's own answers unchanged.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { webAssetRoutes } from '../../src/server/web-assets.js';
import { createHarness, type Harness } from '../helpers/harness.js';

/** A script large enough to be worth compressing. */
const BIG_SCRIPT = Array.from({ length: 400 }, (_, i) => `export const value${i} = "予約 ${i}";`).join('\n');

let dir: string;
let root: string;
let app: Hono;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nudge-web-'));
  root = join(dir, 'web');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title><div id="root"></div>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'big-abc123.js'), BIG_SCRIPT);
  writeFileSync(join(root, 'favicon.svg'), '<svg/>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the build');
  app = new Hono();
  app.get('/v1/ping', (c) => c.json({ ok: true }));
  app.route('/', webAssetRoutes(root));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no route' } }, 404));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('web assets', () => {
  it('serves index.html at / and for client-side routes, uncached, with security headers', async () => {
    for (const path of ['/', '/sessions/se_123', '/settings/users?tab=x', '/sign-in']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("img-src 'self' data:");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with their content type, cached for a year', async () => {
    const js = await app.request('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log(1)');
    const css = await app.request('/assets/index-abc123.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await app.request('/favicon.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('no-cache');
  });

  it('compresses text assets as the browser accepts (brotli, else gzip), and leaves small ones and other clients alone', async () => {
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
    const br = await app.request('/assets/big-abc123.js', { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(Number(br.headers.get('content-length'))).toBe(brBytes.length);
    expect(brBytes.length).toBeLessThan(Buffer.byteLength(BIG_SCRIPT) / 3);
    expect(brotliDecompressSync(brBytes).toString()).toBe(BIG_SCRIPT);

    const gz = await app.request('/assets/big-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(BIG_SCRIPT);

    const refused = await app.request('/assets/big-abc123.js', { headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(await refused.text()).toBe(BIG_SCRIPT);
    const plain = await app.request('/assets/big-abc123.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Accept-Encoding');
    const small = await app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'br' } });
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(await small.text()).toBe('console.log(1)');
  });

  it('answers HEAD without a body', async () => {
    const res = await app.request('/assets/index-abc123.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('answers 404 for a missing asset instead of the page', async () => {
    const res = await app.request('/assets/index-old.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).not.toContain('text/html');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/%00',
    '/%E0%A4%A',
  ])('never serves a file outside the build: %s', async (path) => {
    const res = await app.request(`http://localhost${path}`);
    const text = await res.text();
    expect(text).not.toContain('outside the build');
    expect([200, 400, 404]).toContain(res.status);
    if (res.status === 200) expect(text).toContain('<div id="root">');
  });

  it('leaves /v1 paths to the API: a route answers, an unknown one gets the JSON 404', async () => {
    expect(await (await app.request('/v1/ping')).json()).toEqual({ ok: true });
    const res = await app.request('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  it('answers a clear 503 page when the build is missing', async () => {
    const bare = new Hono();
    bare.route('/', webAssetRoutes(join(dir, 'not-built')));
    const res = await bare.request('/');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('npm run build');
  });
});

describe('web assets in the API app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite');
  });
  afterAll(async () => h?.close());

  it('keeps /health, /metrics and the JSON 404 of /v1 unchanged', async () => {
    expect((await h.api('GET', '/health')).body).toMatchObject({ status: 'ok' });
    const metrics = await h.api('GET', '/metrics');
    expect(metrics.status).toBe(200);
    const missing = await h.api('GET', '/v1/no-such-thing');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const unauthenticated = await fetchApp(h, '/v1/flows');
    expect(unauthenticated.status).toBe(401);
  });

  it('answers / with the app page or, without a build, the 503 page', async () => {
    const res = await fetchApp(h, '/');
    expect([200, 503]).toContain(res.status);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });
});

function fetchApp(h: Harness, path: string): Promise<Response> {
  return Promise.resolve(createApp(h.engine.ctx).request(path));
}
