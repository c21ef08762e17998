/**
 * The web app's weight and speed: the production build's chunks (raw, gzip and brotli bytes; what
 * the first page needs apart from what the editor and the charts load later), and load times in
 * Debian's chromium against a real `nudge serve` on SQLite, each run in a fresh browser profile
 * (a cold cache): the sign-in page, the signed-in shell on the flows list, and the flow editor.
 *
 *   npm run bench:web                 # 7 runs per page
 *   npm run bench:web -- --runs 15
 *
 * Medians and the spread (min–max) of the runs; no peer: these are Nudge's own figures.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchBrowser, OWNER, SetupScreen, SignInScreen, startWebServer } from '../test/helpers/browser.js';
import { log, ROOT_DIR, table, writeResult } from './lib/report.js';
import { median } from './lib/stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, mode: { type: 'string' } } });
const RUNS = values.mode === 'smoke' ? 2 : Number(values.runs);
const WEB = join(ROOT_DIR, 'dist/web');

interface Chunk {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
  initial: boolean;
}

function build(): void {
  execFileSync(join(ROOT_DIR, 'node_modules/.bin/vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT_DIR,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** Every asset of the build; `initial` for those index.html loads (its script, styles and module preloads). */
function chunks(): Chunk[] {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!));
  return readdirSync(join(WEB, 'assets'))
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => {
      const bytes = readFileSync(join(WEB, 'assets', f));
      return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length, initial: initial.has(`assets/${f}`) };
    })
    .sort((a, b) => b.raw - a.raw);
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

interface Timing {
  /** Navigation start → DOMContentLoaded. */
  dcl: number;
  /** Navigation start → the page's first heading visible (the page is usable). */
  ready: number;
  /** Bytes transferred for the page (encoded bodies of every resource). */
  bytes: number;
}

async function timed(page: Page, url: string, readySelector: string): Promise<Timing> {
  const started = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator(readySelector).first().waitFor({ state: 'visible', timeout: 30_000 });
  const ready = Date.now() - started;
  // Runs in the page. A string, so the TypeScript loader cannot add helpers the page lacks (esbuild's __name).
  const nav = (await page.evaluate(`(() => {
    const entry = performance.getEntriesByType('navigation')[0];
    const bytes = performance.getEntriesByType('resource').reduce((n, r) => n + r.encodedBodySize, entry.encodedBodySize);
    return { dcl: entry.domContentLoadedEventEnd, bytes };
  })()`)) as { dcl: number; bytes: number };
  return { dcl: nav.dcl, ready, bytes: nav.bytes };
}

/** One cold run per page: a new profile, sign in, then each page. */
async function measure(baseUrl: string, flowId: string): Promise<Record<string, Timing>> {
  const out: Record<string, Timing> = {};
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    out['sign-in (cold)'] = await timed(page, `${baseUrl}/sign-in`, 'form button[type=submit]');
    await new SignInScreen(page).signIn(OWNER.email, OWNER.password);
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    out['flows list (signed in)'] = await timed(page, `${baseUrl}/flows`, 'h1');
    out['flow editor'] = await timed(page, `${baseUrl}/flows/${flowId}`, '.react-flow__node');
  } finally {
    await browser.close();
  }
  return out;
}

async function main(): Promise<void> {
  log('building the web app');
  build();
  const built = chunks();
  const initial = built.filter((c) => c.initial);
  const sum = (list: Chunk[], k: 'raw' | 'gzip' | 'brotli') => list.reduce((n, c) => n + c[k], 0);
  const shown = built.filter((c) => c.initial || c.raw > 20_000);
  console.log(table(['chunk', 'raw', 'gzip', 'brotli', 'first page'], shown.map((c) => [c.file, kb(c.raw), kb(c.gzip), kb(c.brotli), c.initial ? 'yes' : 'later'])));
  console.log(`(${built.length - shown.length} smaller chunks, loaded with their pages, not shown)`);
  console.log(`\nfirst page: ${kb(sum(initial, 'raw'))} raw, ${kb(sum(initial, 'gzip'))} gzip; all: ${kb(sum(built, 'raw'))} raw, ${kb(sum(built, 'gzip'))} gzip\n`);

  const server = await startWebServer();
  try {
    const setup = await launchBrowser();
    const page = setup.context.pages()[0] ?? (await setup.context.newPage());
    const setupScreen = new SetupScreen(page);
    await setupScreen.open(server.url, server.setupPath!);
    await setupScreen.createOwner();
    await page.waitForURL((u) => !u.pathname.startsWith('/setup'));
    const me = await page.request.get(`${server.url}/v1/auth/me`);
    const csrf = ((await me.json()) as { data: { csrf_token: string } }).data.csrf_token;
    const created = await page.request.post(`${server.url}/v1/flows`, {
      headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
      data: JSON.stringify({
        name: 'Reminder 24h before',
        trigger: { appointment: { anchor: 'start', before: '24h' } },
        steps: [{ id: 'remind', email: { to: '{{ contact.email }}', subject: 'See you soon', text: 'Hi' } }, { wait: { duration: '1d' } }, { id: 'thanks', email: { to: '{{ contact.email }}', subject: 'Thanks', text: 'Thanks' } }],
      }),
    });
    const flowId = ((await created.json()) as { data: { id: string } }).data.id;
    await setup.close();

    const runs: Array<Record<string, Timing>> = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await measure(server.url, flowId));
      log(`run ${i + 1}/${RUNS}: ${Object.entries(runs[i]!).map(([k, t]) => `${k} ${t.ready} ms`).join(', ')}`);
    }
    const pages = Object.keys(runs[0]!);
    const rows = pages.map((p) => {
      const ready = runs.map((r) => r[p]!.ready);
      const dcl = runs.map((r) => r[p]!.dcl);
      return [p, `${median(ready).toFixed(0)} ms`, `${Math.min(...ready)}–${Math.max(...ready)} ms`, `${median(dcl).toFixed(0)} ms`, kb(median(runs.map((r) => r[p]!.bytes)))];
    });
    console.log(table(['page', 'usable (median)', 'range', 'DOMContentLoaded', 'transferred'], rows));
    const file = writeResult('web', { runs: RUNS, chunks: built, timings: runs });
    log(`results: ${file}`);
  } finally {
    await server.close();
  }
}

await main();
