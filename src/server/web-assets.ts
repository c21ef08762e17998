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
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { Hono, type Context } from 'hono';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text files are sent compressed when the browser accepts it: the first page's script is ~600 kB, ~165 kB as brotli. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.txt', '.svg', '.wasm']);

type Encoding = 'br' | 'gzip';

/**
 * Compressed copies of the files served, made once per file and encoding and kept (the build is
 * a few MB and its hashed files never change while the process runs). Brotli at quality 5 and
 * gzip at level 6: a few tens of milliseconds for the largest chunk, so a cold first request does
 * not wait on the compressor; within a few per cent of the best ratios.
 */
class CompressedFiles {
  private readonly cache = new Map<string, Promise<Buffer>>();

  get(file: string, body: Buffer, encoding: Encoding, mtimeMs: number): Promise<Buffer> {
    const key = `${encoding}:${file}:${mtimeMs}`;
    let found = this.cache.get(key);
    if (!found) {
      found = encoding === 'br' ? brotli(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }) : gzipAsync(body, { level: 6 });
      this.cache.set(key, found);
    }
    return found;
  }
}

/** The encoding to answer with: brotli if accepted, else gzip, else none. */
function pickEncoding(acceptEncoding: string | undefined): Encoding | null {
  const accepted = (acceptEncoding ?? '').toLowerCase();
  if (/(^|,)\s*br\s*(;\s*q=(?!0(\.0*)?\s*($|,))[\d.]+)?\s*($|,)/.test(accepted)) return 'br';
  if (/(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*($|,))[\d.]+)?\s*($|,)/.test(accepted)) return 'gzip';
  return null;
}

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

async function fileTime(file: string): Promise<number | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.mtimeMs : null;
  } catch {
    return null;
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
  const compressed = new CompressedFiles();

  /** The file's bytes as the browser accepts them, with the headers that say so. */
  const encode = async (c: Context, file: string, body: Buffer, mtimeMs: number): Promise<{ body: Buffer; headers: Record<string, string> }> => {
    if (!COMPRESSIBLE.has(extname(file).toLowerCase()) || body.length < 1024) return { body, headers: {} };
    const encoding = pickEncoding(c.req.header('accept-encoding'));
    if (!encoding) return { body, headers: { vary: 'Accept-Encoding' } };
    return { body: await compressed.get(file, body, encoding, mtimeMs), headers: { 'content-encoding': encoding, vary: 'Accept-Encoding' } };
  };

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
    const mtimeMs = found.file !== base && found.file !== indexFile ? await fileTime(found.file) : null;
    if (mtimeMs !== null) {
      const type = CONTENT_TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream';
      const { body, headers: encoded } = await encode(c, found.file, await readFile(found.file), mtimeMs);
      const headers = {
        'content-type': type,
        'content-length': String(body.length),
        'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
        ...encoded,
      };
      return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(new Uint8Array(body.buffer, body.byteOffset, body.length) as Uint8Array<ArrayBuffer>, 200, headers);
    }
    if (isAsset) return notFound(c);
    return indexPage(c);
  });

  return app;
}
