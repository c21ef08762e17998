/**
 * The web app in a real browser: Debian's chromium driven by playwright-core, against a real
 * `nudge serve` serving the built `dist/web`. One browser per test file (a persistent context on a
 * fresh temporary profile), page objects for the screens the tests walk through.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type APIRequestContext, type BrowserContext, type Page } from 'playwright-core';
import { startNudge, type NudgeProcess } from './nudge-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB_INDEX = join(ROOT, 'dist/web/index.html');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds the web app unless `dist/web/index.html` is newer than every source file (about 5 s when it must). */
export function ensureWebBuild(): void {
  const sources = Math.max(newestMtime(join(ROOT, 'web/src')), newestMtime(join(ROOT, 'web/index.html')), newestMtime(join(ROOT, 'web/vite.config.ts')));
  if (existsSync(WEB_INDEX) && statSync(WEB_INDEX).mtimeMs > sources) return;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium on a new temporary profile, with nothing that reaches the network on its own. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'nudge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 },
    locale: 'en-GB',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface WebServer {
  nudge: NudgeProcess;
  url: string;
  /** `/setup?token=…`: the first owner's link, printed when the server created the workspace. */
  setupPath: string;
  close(): Promise<void>;
}

/** `nudge serve` on a fresh SQLite database in a temporary folder. */
export async function startWebServer(): Promise<WebServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nudge-web-e2e-'));
  const nudge = await startNudge('serve', { NUDGE_DATA_DIR: dir });
  if (!nudge.setupUrl) {
    await nudge.stop();
    throw new Error(`nudge serve printed no setup link:\n${nudge.output()}`);
  }
  const setup = new URL(nudge.setupUrl);
  return {
    nudge,
    url: nudge.url!,
    setupPath: `${setup.pathname}${setup.search}`,
    async close() {
      await nudge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const OWNER = { name: 'Ada Owner', email: 'ada@example.com', password: 'correct horse battery' };

/** The sign-in screen. */
export class SignInScreen {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/sign-in`);
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    // Enter in the password field, as most people sign in: checks the form submits from the keyboard.
    await this.page.getByLabel('Password').press('Enter');
  }
}

/** The first-owner screen reached by the printed setup link. */
export class SetupScreen {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string, setupPath: string): Promise<void> {
    await this.page.goto(`${baseUrl}${setupPath}`);
    await this.page.getByLabel('Your name').waitFor();
  }

  async createOwner(owner = OWNER): Promise<void> {
    await this.page.getByLabel('Your name').fill(owner.name);
    await this.page.getByLabel('Email').fill(owner.email);
    await this.page.getByLabel('New password').fill(owner.password);
    await this.page.getByRole('button', { name: 'Create owner account' }).click();
  }
}

/** The signed-in shell: side navigation, language switch, user menu. */
export class AppShell {
  constructor(readonly page: Page) {}

  nav() {
    return this.page.getByRole('navigation').first();
  }

  async goTo(baseUrl: string, path: string): Promise<void> {
    await this.page.goto(`${baseUrl}${path}`);
    await this.page.getByRole('heading', { level: 1 }).first().waitFor();
    // Let lists settle: no skeleton (role=status "Loading…") left on the page.
    await this.page.locator('.animate-pulse').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  }

  async chooseLanguage(label: 'English' | '简体中文' | '繁體中文'): Promise<void> {
    // The app's own header comes first; a page may have a header of its own (the flow editor's).
    await this.page.locator('header select').first().selectOption({ label });
  }

  async signOut(): Promise<void> {
    await this.page.locator('header').getByRole('button').last().click();
    await this.page.getByRole('menuitem').first().click();
  }
}

/** Serious and critical axe-core violations on the page as it is now (WCAG 2.1 A and AA). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/**
 * API calls as the signed-in user: the browser context's cookie plus the CSRF token from
 * `/v1/auth/me`, the way the app itself calls.
 */
export async function sessionApi(request: APIRequestContext, baseUrl: string) {
  const me = await request.get(`${baseUrl}/v1/auth/me`);
  const csrf = ((await me.json()) as { data: { csrf_token: string } }).data.csrf_token;
  return async (method: string, path: string, body?: unknown) => {
    const res = await request.fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { data: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status(), body: text ? (JSON.parse(text) as any) : null };
  };
}

const LOCALES = fileURLToPath(new URL('../../web/src/i18n/locales/', import.meta.url));

/** Every English catalog message without placeholders whose Chinese translation differs: none of them may show in Chinese. */
function englishOnlyMessages(language: 'zh-CN' | 'zh-TW'): Set<string> {
  const out = new Set<string>();
  const walk = (en: unknown, zh: unknown) => {
    if (typeof en === 'string') {
      if (!en.includes('{') && /[A-Za-z]{2}/.test(en) && en !== zh) out.add(en.trim());
      return;
    }
    if (en && typeof en === 'object') for (const [k, v] of Object.entries(en)) walk(v, (zh as Record<string, unknown> | undefined)?.[k]);
  };
  for (const file of readdirSync(`${LOCALES}en`)) {
    walk(JSON.parse(readFileSync(`${LOCALES}en/${file}`, 'utf8')), JSON.parse(readFileSync(`${LOCALES}${language}/${file}`, 'utf8')));
  }
  return out;
}

/** Visible text lines and accessible labels on the page that are English catalog messages. */
export async function englishLeftOn(page: Page, language: 'zh-CN' | 'zh-TW'): Promise<string[]> {
  const english = englishOnlyMessages(language);
  // Code (YAML keys, ids, JSON) is the same in every language: read the text with it hidden.
  const text = (await page.evaluate(`(() => {
    const style = document.createElement('style');
    style.textContent = 'code, pre, kbd, samp { display: none !important; }';
    document.head.append(style);
    try { return document.body.innerText; } finally { style.remove(); }
  })()`)) as string;
  const lines = text.split('\n').map((l) => l.trim());
  const labels = await page
    .locator('[aria-label],[title],[placeholder]')
    .evaluateAll((elements) => elements.flatMap((el) => ['aria-label', 'title', 'placeholder'].map((a) => el.getAttribute(a)?.trim() ?? '')));
  const texts = [...lines, ...labels].filter(Boolean);
  return [...new Set(texts.filter((t) => english.has(t)))];
}
