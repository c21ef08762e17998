/**
 * The web app's build (`dist/web`, made by `npm run build`) served by `nudge serve`.
 *
 * - `/assets/*`: Vite's content-hashed files, cached for a year (`immutable`); a missing one is a 404,
 *   never the app's page, so a stale tab fails loudly instead of parsing HTML as JavaScript.
 * - any other path outside `/v1` that names no file: `index.html`, uncached, so the client-side
 *   router handles deep links (`/sessions/se_…`) and a new build is picked up on the next load.
 * - `/v1/*`, `/health`, `/metrics` never reach this handler's fallback: API paths keep their JSON 404.
 *
 * Paths are percent-decoded once, then resolved against the build folder and refused unless they
 * stay inside it, so `..`, `%2e%2e` and encoded slashes cannot reach other files.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';

/** `dist/web` beside `dist/server` (built) or `src/server` (run with tsx): both sit two levels below the package. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * The page's policy: everything from this origin; images may also be `data:` (QR codes); inline
 * styles are allowed because charts and popovers position elements with style attributes; no
 * framing of the app, no plugins. Email previews are `srcdoc` iframes sandboxed without scripts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HTML_HEADERS = {
  'content-type': CONTENT_TYPES['.html']!,
  'cache-control': 'no-cache',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Nudge: web app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; color: #1e293b">
<h1>The web app is not built</h1>
<p>This Nudge server found no <code>dist/web/index.html</code>. Run <code>npm run build</code> and restart <code>nudge serve</code>.</p>
<p>The HTTP API under <code>/v1</code> works without it.</p>
</body></html>
`;

/** True for paths the API owns: they must keep their JSON answers, never the app's page. */
function isApiPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/') || path === '/health' || path === '/metrics';
}

type Resolved = { kind: 'file'; file: string } | { kind: 'outside' } | { kind: 'bad' };

/** The file a request path names inside `root`, or why it names none. */
function resolveInside(root: string, rawPath: string): Resolved {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad' };
  const file = resolve(root, `.${decoded}`);
  if (file !== root && !file.startsWith(root + sep)) return { kind: 'outside' };
  return { kind: 'file', file };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Routes that serve the web build from `root` (default `dist/web`) for GET and HEAD. Mount after the
 * API routes: `app.route('/', webAssetRoutes())`.
 */
export function webAssetRoutes(root: string = DEFAULT_WEB_ROOT): Hono {
  const base = resolve(root);
  const indexFile = resolve(base, 'index.html');
  const app = new Hono();

  const indexPage = async (c: Context) => {
    const html = await readFile(indexFile).catch(() => null);
    if (html === null) return c.body(NOT_BUILT_PAGE, 503, { ...HTML_HEADERS, 'retry-after': '60' });
    return c.req.method === 'HEAD' ? c.body(null, 200, HTML_HEADERS) : c.body(html, 200, HTML_HEADERS);
  };

  const notFound = (c: Context) => c.text('not found', 404, { 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });

  // A middleware rather than GET/HEAD routes: these are pages, not API operations, so the OpenAPI
  // coverage test (which lists routes by method) leaves them out.
  app.use('*', async (c, next) => {
    const rawPath = new URL(c.req.url).pathname;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || isApiPath(rawPath)) return next();
    const found = resolveInside(base, rawPath);
    if (found.kind === 'bad') return c.text('bad path', 400, { 'x-content-type-options': 'nosniff' });
    if (found.kind === 'outside') return notFound(c);
    const isAsset = rawPath.startsWith('/assets/');
    if (found.file !== base && found.file !== indexFile && (await isFile(found.file))) {
      const type = CONTENT_TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream';
      const body = await readFile(found.file);
      const headers = {
        'content-type': type,
        'content-length': String(body.length),
        'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      };
      return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(body, 200, headers);
    }
    if (isAsset) return notFound(c);
    return indexPage(c);
  });

  return app;
}
