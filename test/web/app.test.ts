/**
 * The web app end to end: a real `nudge serve` on the built app, Debian's chromium. The first
 * owner signs up through the printed setup link, every main page loads with no serious or critical
 * axe-core violation, the language switch shows Traditional and Simplified Chinese, and every main
 * page is photographed in English and Chinese into test/web/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  englishLeftOn,
  accessibilityProblems,
  AppShell,
  ensureWebBuild,
  launchBrowser,
  OWNER,
  SetupScreen,
  SignInScreen,
  sessionApi,
  startWebServer,
  type TestBrowser,
  type WebServer,
} from '../helpers/browser.js';

const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

const MAIN_PAGES = [
  { path: '/', name: 'home' },
  { path: '/flows', name: 'flows' },
  { path: '/flows/presets', name: 'presets' },
  { path: '/sessions', name: 'sessions' },
  { path: '/contacts', name: 'contacts' },
  { path: '/appointments', name: 'appointments' },
  { path: '/deliveries', name: 'deliveries' },
  { path: '/outbox', name: 'outbox' },
  { path: '/analytics', name: 'analytics' },
  { path: '/settings', name: 'settings-workspace' },
  { path: '/settings/users', name: 'settings-users' },
  { path: '/settings/api-keys', name: 'settings-api-keys' },
  { path: '/settings/secrets', name: 'settings-secrets' },
  { path: '/settings/sources', name: 'settings-sources' },
  { path: '/settings/security', name: 'settings-security' },
  { path: '/settings/audit-log', name: 'settings-audit-log' },
] as const;

const WELCOME_FLOW = { name: 'Welcome', trigger: { event: 'signup' }, steps: [{ wait: { duration: '1h' } }, { exit: null }] };

describe('web app in a browser', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;
  let shell: AppShell;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    server = await startWebServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    shell = new AppShell(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates the first owner through the printed setup link and lands on the home page', async () => {
    expect(server.setupPath, server.nudge.output()).toMatch(/^\/setup\?token=/);
    const setup = new SetupScreen(page);
    await setup.open(server.url, server.setupPath);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}setup.en.png` });
    await setup.createOwner();
    await page.waitForURL(`${server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByText(OWNER.name).first().waitFor();
  }, 60_000);

  it('sends a visitor who is not signed in to sign-in, shows the server message for a wrong password, and returns after signing in', async () => {
    await browser.context.clearCookies();
    await page.goto(`${server.url}/sessions`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}sign-in.en.png` });
    const signIn = new SignInScreen(page);
    await signIn.signIn(OWNER.email, 'not the password');
    await page.getByRole('alert').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await signIn.signIn(OWNER.email, OWNER.password);
    await page.waitForURL(`${server.url}/sessions`);
  }, 60_000);

  it('loads every main page with no serious or critical accessibility violation, in English', async () => {
    const api = await sessionApi(page.request, server.url);
    const flow = await api('POST', '/v1/flows?activate=true', WELCOME_FLOW);
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    const event = await api('POST', '/v1/events', { name: 'signup', contact: { email: 'grace@example.com', name: 'Grace Hopper' } });
    expect(event.status, JSON.stringify(event.body)).toBeLessThan(300);

    const problems: Record<string, string[]> = {};
    for (const { path, name } of MAIN_PAGES) {
      await shell.goTo(server.url, path);
      const found = await accessibilityProblems(page);
      if (found.length > 0) problems[path] = found;
      await page.screenshot({ path: `${SHOTS}${name}.en.png`, fullPage: true });
    }
    expect(problems).toEqual({});
  }, 180_000);

  it('opens a session and a contact from their lists', async () => {
    await shell.goTo(server.url, '/sessions');
    await page.getByRole('cell').getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}session.en.png`, fullPage: true });

    await shell.goTo(server.url, '/contacts');
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await page.getByRole('tab', { name: 'Flows' }).click();
    await page.getByRole('button', { name: /^Stop/ }).first().waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}contact.en.png`, fullPage: true });
  }, 60_000);

  it('exports contacts as CSV, and erases a contact after a confirmation that says it is irreversible', async () => {
    const api = await sessionApi(page.request, server.url);
    const event = await api('POST', '/v1/events', { name: 'signup', contact: { email: 'linus.erase@example.com', name: 'Linus Erasable' } });
    expect(event.status, JSON.stringify(event.body)).toBeLessThan(300);

    await shell.goTo(server.url, '/contacts');
    const csvLink = page.getByRole('link', { name: 'Export CSV' });
    expect(await csvLink.getAttribute('href')).toBe('/v1/contacts.csv');
    const csv = await page.request.get(`${server.url}/v1/contacts.csv`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).replace(/^\uFEFF/, '')).toContain(',linus.erase@example.com,');

    await page.getByRole('link', { name: 'Linus Erasable' }).click();
    await page.getByRole('button', { name: 'Erase' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase this contact?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('This is irreversible.');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}contact-erase.en.png`, fullPage: true });
    await dialog.getByRole('button', { name: 'Erase permanently' }).click();
    await page.getByRole('status').filter({ hasText: 'Contact erased. Flows stopped: 1.' }).waitFor();
    const contacts = await api('GET', '/v1/contacts?q=linus');
    expect(contacts.body.data).toEqual([]);
  }, 60_000);

  it('creates a flow from a preset, an API key shown once, and a secret through the forms', async () => {
    await shell.goTo(server.url, '/flows/presets');
    await page.getByRole('button', { name: 'Use this preset: Reminder email 24 hours before' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Flow name').fill('Reminder from the preset');
    await dialog.getByRole('button', { name: 'Create as draft' }).click();
    await dialog.getByText('Created “Reminder from the preset”.').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await shell.goTo(server.url, '/flows');
    await page.getByRole('link', { name: 'Reminder from the preset' }).waitFor();

    await shell.goTo(server.url, '/settings/api-keys');
    await page.getByLabel('Name').fill('Booking system');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.locator('[role="status"] code').textContent()).resolves.toMatch(/^nk_/);
    await page.getByRole('cell', { name: 'Booking system', exact: true }).waitFor();

    await shell.goTo(server.url, '/settings/secrets');
    await page.getByRole('button', { name: 'Add secret' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('klaviyo_api_key');
    await page.getByRole('dialog').getByLabel('Value').fill('pk_live_123');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'KLAVIYO_API_KEY', exact: true }).waitFor();
    await expect(page.getByText('pk_live_123').count()).resolves.toBe(0);
  }, 60_000);

  it('switches to Traditional and then Simplified Chinese, and remembers the choice', async () => {
    await shell.goTo(server.url, '/');
    await shell.chooseLanguage('繁體中文');
    await shell.nav().getByRole('link', { name: '設定' }).waitFor();
    await shell.nav().getByRole('link', { name: '聯絡人' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-TW');
    for (const { path, name } of MAIN_PAGES) {
      await shell.goTo(server.url, path);
      expect(await englishLeftOn(page, 'zh-TW'), `${path} in zh-TW`).toEqual([]);
      await page.screenshot({ path: `${SHOTS}${name}.zh-TW.png`, fullPage: true });
    }
    expect(await accessibilityProblems(page)).toEqual([]);

    await shell.chooseLanguage('简体中文');
    await shell.nav().getByRole('link', { name: '设置' }).waitFor();
    await page.reload();
    await shell.nav().getByRole('link', { name: '联系人' }).waitFor();
    for (const { path, name } of MAIN_PAGES) {
      await shell.goTo(server.url, path);
      expect(await englishLeftOn(page, 'zh-CN'), `${path} in zh-CN`).toEqual([]);
      await page.screenshot({ path: `${SHOTS}${name}.zh-CN.png`, fullPage: true });
    }
    await shell.chooseLanguage('English');
    await shell.nav().getByRole('link', { name: 'Settings' }).waitFor();
  }, 180_000);

  it('shows the not-found page for an unknown address, and collapses the navigation on a tablet', async () => {
    await page.goto(`${server.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.setViewportSize({ width: 800, height: 1000 });
    await shell.goTo(server.url, '/flows');
    const open = page.getByRole('button', { name: 'Open navigation' });
    await open.waitFor();
    await open.click();
    await shell.nav().getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL(`${server.url}/contacts`);
    await page.screenshot({ path: `${SHOTS}tablet-contacts.en.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
  }, 60_000);

  it('signs out and back in with the password', async () => {
    await shell.goTo(server.url, '/');
    await shell.signOut();
    await page.waitForURL(/\/sign-in/);
    await new SignInScreen(page).signIn(OWNER.email, OWNER.password);
    await page.waitForURL(`${server.url}/`);
  }, 60_000);

  it('turns on two-factor sign-in, after which signing in asks for the code', async () => {
    await shell.goTo(server.url, '/settings/security');
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await page.locator('code').first().textContent())!.trim();
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    await page.getByLabel('6-digit code').fill(totp.generate());
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByRole('button', { name: 'Turn off' }).waitFor();

    await shell.signOut();
    await page.waitForURL(/\/sign-in/);
    await new SignInScreen(page).signIn(OWNER.email, OWNER.password);
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    // The code that turned it on may not be used twice: wait for the next one.
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 500));
    await page.getByLabel('6-digit code').fill(totp.generate());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${server.url}/`);
  }, 90_000);
});

