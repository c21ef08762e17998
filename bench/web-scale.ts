/**
 * The web app and the API it reads with a big flow: N sessions (default 100,000) waiting in one flow
 * of a real `nudge serve` on SQLite, started through the public API (`POST /v1/events/batch`, 1,000
 * bookings a request), then:
 *
 * - the reads the pages make, timed over HTTP (median of 15): the flow's first page of sessions and a
 *   page 50 pages deep (cursor), the canvas counts, the flows list, the overview, analytics;
 * - the sessions page filtered to that flow in Debian's chromium (a cold profile): time until the first
 *   rows show, then a scripted scroll through the list for a few seconds (the list loads pages as it
 *   goes) recording every frame's interval: frames over 50 ms are what a user sees as stutter, and the
 *   rows in the DOM show the list is virtualised (constant, however many rows are loaded);
 * - the flow editor with its live counts: time until the canvas shows the waiting count.
 *
 *   npm run bench:web-scale                        # 100,000 sessions
 *   npm run bench:web-scale -- --sessions 20000
 */
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { call } from '../test/helpers/nudge-process.js';
import { launchBrowser, OWNER, SetupScreen, SignInScreen, startWebServer } from '../test/helpers/browser.js';
import { log, table, writeResult } from './lib/report.js';
import { median, percentile } from './lib/stats.js';

const { values } = parseArgs({ options: { sessions: { type: 'string' }, mode: { type: 'string' } } });
const SESSIONS = values.mode === 'smoke' ? 2_000 : Number(values.sessions ?? 100_000);
const BATCH = 1_000;
const PARALLEL = 4;
const READS = values.mode === 'smoke' ? 3 : 15;
const SCROLL_MS = values.mode === 'smoke' ? 1_000 : 5_000;

const FLOW = {
  name: 'Thank-you a month on',
  trigger: { event: 'appointment.created' },
  steps: [{ id: 'later', wait: { duration: '30d' } }, { id: 'thanks', email: { to: '{{ contact.email }}', subject: 'Thanks', text: 'Thanks for coming' } }],
};

function booking(i: number) {
  const start = new Date(Date.UTC(2027, 0, 1) + (i % 10_000) * 3_600_000).toISOString();
  return {
    name: 'appointment.created',
    idempotency_key: `scale-${i}`,
    contact: { external_id: `c-${i}`, email: `guest${i}@example.com`, name: `Guest ${i}` },
    appointment: { id: `a-${i}`, start_at: start, timezone: 'UTC', service_name: 'Haircut' },
  };
}

async function seed(url: string, key: string, flowId: string): Promise<number> {
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < SESSIONS) {
      const from = next;
      next += BATCH;
      const events = Array.from({ length: Math.min(BATCH, SESSIONS - from) }, (_, k) => booking(from + k));
      // No retry: the server keeps every keep-alive connection a request reached (http-server.ts), so a reset is a fault to see.
      const res = await call(url, key, 'POST', '/v1/events/batch', { events });
      if (res.status !== 202) throw new Error(`batch at ${from}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  for (;;) {
    const counts = await call<{ data: { steps: Array<{ step_id: string; waiting: number }> } }>(url, key, 'GET', `/v1/flows/${flowId}/step-counts`);
    const waiting = counts.body.data.steps.find((s) => s.step_id === 'later')?.waiting ?? 0;
    if (waiting >= SESSIONS) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return Date.now() - started;
}

async function timeReads(url: string, key: string, flowId: string): Promise<Array<[string, number[]]>> {
  const first = await call<{ next_cursor: string | null }>(url, key, 'GET', `/v1/sessions?flow_id=${flowId}&limit=50`);
  let cursor = first.body.next_cursor;
  for (let i = 0; i < 49 && cursor; i++) cursor = (await call<{ next_cursor: string | null }>(url, key, 'GET', `/v1/sessions?flow_id=${flowId}&limit=50&cursor=${encodeURIComponent(cursor)}`)).body.next_cursor;
  const reads: Array<[string, string]> = [
    ['GET /v1/sessions?flow_id (first page of 50)', `/v1/sessions?flow_id=${flowId}&limit=50`],
    ['GET /v1/sessions?flow_id (50 pages deep)', `/v1/sessions?flow_id=${flowId}&limit=50&cursor=${encodeURIComponent(cursor ?? '')}`],
    ['GET /v1/sessions?flow_id&status=active&step_id', `/v1/sessions?flow_id=${flowId}&status=active&step_id=later&limit=50`],
    ['GET /v1/flows/:id/step-counts', `/v1/flows/${flowId}/step-counts`],
    ['GET /v1/flows', '/v1/flows'],
    ['GET /v1/overview', '/v1/overview'],
    ['GET /v1/analytics?flow_id', `/v1/analytics?flow_id=${flowId}`],
  ];
  const out: Array<[string, number[]]> = [];
  for (const [label, path] of reads) {
    const times: number[] = [];
    for (let i = 0; i < READS; i++) {
      const t0 = performance.now();
      const res = await call(url, key, 'GET', path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      times.push(performance.now() - t0);
    }
    out.push([label, times]);
  }
  return out;
}

interface ScrollResult {
  firstRowsMs: number;
  frames: number[];
  rowsLoaded: number;
  rowsInDom: number;
  editorCountsMs: number;
}

/** Scrolls the list's region a little every frame for `ms`, recording frame intervals. Runs in the page, as a string (no bundler helpers). */
const SCROLL_SCRIPT = (ms: number) => `new Promise((resolve) => {
  const region = document.querySelector('[role=table] [role=rowgroup][tabindex]');
  const frames = [];
  let last = performance.now();
  const end = last + ${ms};
  const step = (now) => {
    frames.push(now - last);
    last = now;
    region.scrollTop += 400;
    if (now < end) requestAnimationFrame(step);
    else resolve({ frames, rowsLoaded: Number(document.querySelector('[role=table]').getAttribute('aria-rowcount')) - 1, rowsInDom: region.querySelectorAll('[role=row]').length });
  };
  requestAnimationFrame(step);
})`;

async function browse(url: string, flowId: string): Promise<ScrollResult> {
  const browser = await launchBrowser();
  try {
    const page: Page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${url}/sign-in`);
    await new SignInScreen(page).signIn(OWNER.email, OWNER.password);
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    const t0 = Date.now();
    await page.goto(`${url}/sessions?flow_id=${flowId}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[role=table] [role=rowgroup][tabindex] [role=row]').first().waitFor({ timeout: 60_000 });
    const firstRowsMs = Date.now() - t0;
    const scrolled = (await page.evaluate(SCROLL_SCRIPT(SCROLL_MS))) as Omit<ScrollResult, 'firstRowsMs' | 'editorCountsMs'>;
    const t1 = Date.now();
    await page.goto(`${url}/flows/${flowId}`, { waitUntil: 'domcontentloaded' });
    // The count in any grouping (100000 or 100,000).
    const shown = new RegExp(String(SESSIONS).replace(/\B(?=(\d{3})+$)/g, ',?'));
    await page.locator('.react-flow__node', { hasText: shown }).first().waitFor({ timeout: 60_000 });
    return { firstRowsMs, ...scrolled, editorCountsMs: Date.now() - t1 };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const server = await startWebServer();
  try {
    const key = server.nudge.apiKey;
    if (!key) throw new Error('nudge serve printed no API key');
    const setup = await launchBrowser();
    const setupPage = setup.context.pages()[0] ?? (await setup.context.newPage());
    const screen = new SetupScreen(setupPage);
    await screen.open(server.url, server.setupPath);
    await screen.createOwner();
    await setupPage.waitForURL((u) => !u.pathname.startsWith('/setup'));
    await setup.close();

    const flow = await call<{ data: { id: string } }>(server.url, key, 'POST', '/v1/flows?activate=true', FLOW);
    if (flow.status !== 201) throw new Error(`flow: ${flow.status} ${JSON.stringify(flow.body)}`);
    const flowId = flow.body.data.id;
    log(`seeding ${SESSIONS.toLocaleString('en-US')} sessions`);
    const seedMs = await seed(server.url, key, flowId);
    log(`seeded in ${(seedMs / 1000).toFixed(1)} s`);

    const reads = await timeReads(server.url, key, flowId);
    console.log(table(['read', 'median', 'max'], reads.map(([label, t]) => [label, `${median(t).toFixed(1)} ms`, `${Math.max(...t).toFixed(1)} ms`])));

    const view = await browse(server.url, flowId);
    const sorted = [...view.frames].sort((a, b) => a - b);
    const long = view.frames.filter((f) => f > 50).length;
    console.log(
      table(
        ['sessions page', 'value'],
        [
          ['first rows shown (cold profile, signed in)', `${view.firstRowsMs} ms`],
          [`frames while scrolling ${SCROLL_MS / 1000} s`, String(view.frames.length)],
          ['frame interval median / p95 / max', `${median(view.frames).toFixed(1)} / ${percentile(sorted, 95).toFixed(1)} / ${Math.max(...view.frames).toFixed(1)} ms`],
          ['frames over 50 ms', String(long)],
          ['rows loaded by the end / rows in the DOM', `${view.rowsLoaded} / ${view.rowsInDom}`],
          ['flow editor: canvas shows the waiting count', `${view.editorCountsMs} ms`],
        ],
      ),
    );
    const file = writeResult('web-scale', { sessions: SESSIONS, seedMs, reads: Object.fromEntries(reads), view });
    log(`results: ${file}`);
  } catch (error) {
    process.stderr.write(`nudge serve's output, last lines:\n${server.nudge.output().slice(-4000)}\n`);
    throw error;
  } finally {
    await server.close();
  }
}

await main();
