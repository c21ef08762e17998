/**
 * A shop owner's journey through the web app in a real browser (Debian's chromium), against a
 * fresh `nudge serve` and a stand-in Slack/webhook receiver: set up the owner, turn a preset into a
 * live flow, watch a booking run through it, build a reminder and see it follow a reschedule, stop
 * a session, see validation on the canvas, edit in YAML and on the canvas, check that staff cannot
 * edit, read the editor and contact pages in Chinese, and check accessibility of the detail pages.
 * Every check is made through the UI; the API is used only for what a booking system sends
 * (events) and for the one 403 check of item 8.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  accessibilityProblems,
  AppShell,
  englishLeftOn,
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
import { call } from '../helpers/nudge-process.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

const DAY = 86_400_000;
/** A booking `days` from now at 16:30 UTC, so its reminder (24 h before) is in the future. */
function bookingStart(days: number): Date {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(16, 30, 0, 0);
  return d;
}

/** Sesami's `event.datetime` for a UTC time at 16:30, as en-US: `December 10, 2026 at 04:30 PM`. */
function sesamiDatetime(at: Date): string {
  const date = at.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  return `${date} at 04:30 PM`;
}

/** The page fits the window's width: nothing makes the whole page scroll sideways. */
async function expectNoPageScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.locator('html').evaluate((html) => ({ scroll: html.scrollWidth, client: html.clientWidth }));
  expect(scroll, 'page width').toBeLessThanOrEqual(client);
}

const REMINDER_YAML = (receiverUrl: string) => `name: Reminder 24 hours before
trigger:
  appointment:
    anchor: start
    before: 24h
steps:
  - id: remind
    webhook:
      url: ${receiverUrl}/reminders
      body:
        appointment: "{{ appointment.id }}"
`;

const FOLLOW_UP_YAML = `name: Welcome follow-up
trigger:
  event: signup
steps:
  - id: pause
    wait:
      duration: 2d
  - id: done
    exit: null
`;

describe('a shop owner’s journey in the browser', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;
  let shell: AppShell;
  let receiver: Receiver;
  let apiKey = '';
  let slackFlowId = '';
  let contactId = '';
  let followUpSessionId = '';
  let deliveryId = '';

  const booking = (name: 'appointment.created' | 'appointment.rescheduled', id: string, start: Date) =>
    call(server.url, apiKey, 'POST', '/v1/events', {
      name,
      idempotency_key: `${id}-${name}-${start.toISOString()}`,
      contact: { email: 'grace@example.com', name: 'Grace Hopper' },
      appointment: { id, start_at: start.toISOString(), timezone: 'UTC', service_name: 'Haircut', service_duration: 45, team_member: 'David' },
    });

  /** The flow editor for a new flow: the YAML view replaced by `text`, saved, activated; returns the flow's id. */
  async function createFlowInYaml(text: string): Promise<string> {
    await shell.goTo(server.url, '/flows/new');
    await replaceYaml(text);
    await page.getByRole('tab', { name: 'Canvas' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/flows\/fl_/);
    await page.getByText('All changes saved').waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('header').getByText('Active', { exact: true }).waitFor();
    return new URL(page.url()).pathname.split('/').pop()!;
  }

  async function replaceYaml(text: string): Promise<void> {
    await page.getByRole('tab', { name: 'YAML' }).click();
    const editor = page.locator('.cm-content');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  }

  async function yamlText(): Promise<string> {
    return page.locator('.cm-content').evaluate((el) => [...el.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'));
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    receiver = await startReceiver();
    server = await startWebServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // The browser's own question (leaving a page with unsaved changes by reload) is answered yes.
    page.on('dialog', (dialog) => void dialog.accept());
    shell = new AppShell(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
  });

  it('1. sets up the owner through the printed setup link and signs in', async () => {
    expect(server.setupPath, server.nudge.output()).toMatch(/^\/setup\?token=/);
    const setup = new SetupScreen(page);
    await setup.open(server.url, server.setupPath);
    await setup.createOwner();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await shell.signOut();
    await page.waitForURL(/\/sign-in/);
    await new SignInScreen(page).signIn(OWNER.email, OWNER.password);
    await page.waitForURL(`${server.url}/`);
    await page.getByText(OWNER.name).first().waitFor();
  }, 60_000);

  it('2. creates a flow from the Slack preset with its webhook URL as a secret, and activates it', async () => {
    await shell.goTo(server.url, '/flows/presets');
    await page.getByRole('button', { name: 'Use this preset: Slack message when an appointment is created' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Flow name').fill('Team Slack on new bookings');
    await dialog.getByLabel('Slack webhook URL').fill(`${receiver.url}/services/T000/B000/XXXX`);
    await dialog.getByRole('button', { name: 'Create as draft' }).click();
    await dialog.getByText('Created “Team Slack on new bookings”.').waitFor();
    await expect(dialog.getByText('Secrets still to set').count()).resolves.toBe(0);
    await dialog.getByRole('link', { name: 'Open the flow' }).click();
    await page.waitForURL(/\/flows\/fl_/);
    slackFlowId = new URL(page.url()).pathname.split('/').pop()!;
    await page.locator('.react-flow__node').filter({ hasText: 'notify-team' }).waitFor();
    await page.locator('header').getByText('Draft', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('header').getByText('Active', { exact: true }).waitFor();

    await shell.goTo(server.url, '/settings/secrets');
    await page.getByRole('cell', { name: 'SLACK_WEBHOOK_URL', exact: true }).waitFor();
    await expect(page.getByText(receiver.url).count()).resolves.toBe(0);
  }, 60_000);

  it('3. a booking posted with an API key from Settings runs the flow: the canvas counts it, Slack gets the exact message, Deliveries shows it succeeded', async () => {
    await shell.goTo(server.url, '/settings/api-keys');
    await page.getByLabel('Name').fill('Booking system');
    await page.getByRole('button', { name: 'Create key' }).click();
    apiKey = (await page.locator('[role="status"] code').textContent())!.trim();
    expect(apiKey).toMatch(/^nk_/);

    await shell.goTo(server.url, `/flows/${slackFlowId}`);
    const node = page.locator('.react-flow__node').filter({ hasText: 'notify-team' });
    await node.waitFor();
    const start = bookingStart(3);
    const posted = await booking('appointment.created', 'bk-100', start);
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    contactId = (posted.body as { data: { contact_id: string } }).data.contact_id;

    const [request] = await receiver.waitFor(1, 15_000);
    expect(request!.path).toBe('/services/T000/B000/XXXX');
    expect(request!.headers['content-type']).toMatch(/^application\/json/);
    const when = sesamiDatetime(start);
    expect(JSON.parse(request!.body)).toEqual({
      text: `New booking: Grace Hopper – Haircut, ${when}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*New booking*\nGrace Hopper – Haircut\n${when}\nWith David` } }],
    });

    // The canvas counts the session at its step without a reload.
    await node.getByText('1 sent').waitFor({ timeout: 15_000 });

    await shell.goTo(server.url, '/deliveries');
    const row = page.getByRole('row').filter({ hasText: 'notify-team' });
    await row.getByText('Succeeded').waitFor();
    await expect(row.getByRole('cell').nth(1).textContent()).resolves.toBe('Team Slack on new bookings');
    await row.getByRole('link').click();
    await page.waitForURL(/\/deliveries\/dl_|\/deliveries\/[^/]+$/);
    deliveryId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText('Succeeded').first().waitFor();
  }, 90_000);

  it('4. a reminder 24 hours before the start shows on the contact page and moves when the booking is rescheduled', async () => {
    await createFlowInYaml(REMINDER_YAML(receiver.url));
    // Days apart from the first booking (bk-100), whose reminder the new flow schedules too.
    const first = bookingStart(4);
    const posted = await booking('appointment.created', 'bk-200', first);
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);

    await shell.goTo(server.url, `/contacts/${contactId}`);
    const upcoming = page.getByRole('tabpanel');
    const firstDue = new Date(first.getTime() - DAY).toISOString();
    await upcoming.locator(`time[datetime="${firstDue}"]`).waitFor();
    const reminder = upcoming.getByRole('row').filter({ has: page.locator(`time[datetime="${firstDue}"]`) });
    await reminder.getByText('remind', { exact: true }).waitFor();
    await reminder.getByRole('link', { name: 'Reminder 24 hours before' }).waitFor();
    await expectNoPageScroll(page);

    const moved = bookingStart(6);
    const rescheduled = await booking('appointment.rescheduled', 'bk-200', moved);
    expect(rescheduled.status, JSON.stringify(rescheduled.body)).toBe(202);
    const movedDue = new Date(moved.getTime() - DAY).toISOString();
    // No reload: the change stream's `appointments` event refreshes the open page.
    await upcoming.locator(`time[datetime="${movedDue}"]`).waitFor({ timeout: 10_000 });
    await expect(upcoming.locator(`time[datetime="${firstDue}"]`).count()).resolves.toBe(0);
  }, 90_000);

  it('5. stops a session from the contact’s Flows tab', async () => {
    await createFlowInYaml(FOLLOW_UP_YAML);
    const signup = await call(server.url, apiKey, 'POST', '/v1/events', { name: 'signup', contact: { email: 'grace@example.com' } });
    expect(signup.status, JSON.stringify(signup.body)).toBe(202);
    followUpSessionId = (signup.body as { data: { sessions_started: string[] } }).data.sessions_started[0]!;
    expect(followUpSessionId).toBeTruthy();

    await shell.goTo(server.url, `/contacts/${contactId}`);
    await page.getByRole('tab', { name: 'Flows' }).click();
    const row = page.getByRole('row').filter({ hasText: followUpSessionId });
    await row.getByRole('link', { name: 'Welcome follow-up' }).waitFor();
    await expectNoPageScroll(page);
    // The Stop button is in sight without scrolling the table sideways.
    const table = (await page.getByRole('tabpanel').getByRole('table').locator('..').boundingBox())!;
    const stop = (await row.getByRole('button', { name: `Stop: ${followUpSessionId}` }).boundingBox())!;
    expect(stop.x + stop.width, 'right edge of Stop').toBeLessThanOrEqual(table.x + table.width);
    await row.getByRole('button', { name: `Stop: ${followUpSessionId}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Stop' }).click();
    await row.getByText('Stopped').waitFor();
    await expect(row.getByRole('button', { name: /^Stop/ }).count()).resolves.toBe(0);

    await row.getByRole('link', { name: followUpSessionId }).click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByText('Stopped').first().waitFor();
    await page.getByRole('link', { name: 'Welcome follow-up' }).waitFor();
  }, 60_000);

  it('6. shows a validation error on its node and under the field', async () => {
    await shell.goTo(server.url, '/flows/new');
    await page.getByRole('button', { name: 'Add a step here' }).last().click();
    await page.getByRole('menuitem', { name: 'Wait' }).click();
    const duration = page.getByRole('complementary').getByLabel('Wait for');
    await duration.fill('soon');
    const node = page.locator('.react-flow__node').filter({ hasText: 'wait_1' });
    await node.getByRole('status').filter({ hasText: '1 problem' }).waitFor();
    await expect(duration.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await duration.getAttribute('aria-describedby'))!;
    // The server's issue, worded in the UI language from the errors catalog.
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toBe('Expected a duration such as 30m, 2h or 1d');
    await page.getByRole('status').filter({ hasText: '1 problem' }).first().waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
  }, 60_000);

  it('7. an edit in YAML appears on the canvas, and a step added on the canvas appears in the YAML', async () => {
    await shell.goTo(server.url, '/flows/new');
    await replaceYaml(`name: Two ways
trigger:
  event: order.paid
steps:
  - id: thank_you
    email:
      to: "{{ contact.email }}"
      subject: Thank you
      html: <p>Thanks</p>
  - id: tag_buyer
    update_contact:
      tags:
        add: [buyer]
`);
    await page.getByRole('tab', { name: 'Canvas' }).click();
    await page.locator('.react-flow__node').filter({ hasText: 'tag_buyer' }).waitFor();
    await page.locator('.react-flow__node').filter({ hasText: 'thank_you' }).waitFor();

    await page.getByRole('button', { name: 'Add a step here' }).last().click();
    await page.getByRole('menuitem', { name: 'Wait' }).click();
    await page.locator('.react-flow__node').filter({ hasText: 'wait_1' }).waitFor();
    await page.getByRole('tab', { name: 'YAML' }).click();
    await page.locator('.cm-content').waitFor();
    const text = await yamlText();
    expect(text).toMatch(/- id: wait_1\n\s+wait:/);
    expect(text.indexOf('tag_buyer')).toBeLessThan(text.indexOf('wait_1'));
    await page.screenshot({ path: `${SHOTS}editor-yaml.en.png` });
  }, 60_000);

  it('8. staff invited from Settings → Users cannot edit a flow: the editor is read-only and the API answers 403', async () => {
    await shell.goTo(server.url, '/settings/users');
    await page.getByLabel('Email').fill('sam@example.com');
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Staff' });
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = (await page.locator('[role="status"] code').textContent())!.trim();
    expect(link).toMatch(/\/invite\?token=/);

    const second = await launchBrowser();
    try {
      const staff = await second.context.newPage();
      await staff.goto(link);
      await staff.getByLabel('Your name').fill('Sam Staff');
      await staff.getByLabel('New password').fill('staff password 123');
      await staff.getByRole('button', { name: 'Join' }).click();
      await staff.getByRole('heading', { level: 1, name: 'Home' }).waitFor();

      await staff.goto(`${server.url}/flows/presets`);
      await staff.getByText('Your role can browse presets but not create flows from them.').waitFor();
      await expect(staff.getByRole('button', { name: /^Use this preset/ }).count()).resolves.toBe(0);

      await staff.goto(`${server.url}/flows/${slackFlowId}`);
      await staff.getByText('Your role can view this flow but not change it.').waitFor();
      expect(await accessibilityProblems(staff)).toEqual([]);
      await staff.locator('.react-flow__node').filter({ hasText: 'notify-team' }).waitFor();
      await expect(staff.getByRole('button', { name: 'Save', exact: true }).isDisabled()).resolves.toBe(true);
      await expect(staff.getByRole('button', { name: 'Pause' }).count()).resolves.toBe(0);
      await expect(staff.getByRole('button', { name: 'Archive' }).count()).resolves.toBe(0);
      await expect(staff.getByRole('button', { name: 'Add a step here' }).count()).resolves.toBe(0);
      await staff.locator('.react-flow__node').filter({ hasText: 'notify-team' }).getByRole('button').first().click();
      await expect(staff.getByRole('button', { name: 'Delete' }).isDisabled()).resolves.toBe(true);
      await staff.getByRole('tab', { name: 'YAML' }).click();
      const yaml = staff.locator('.cm-content');
      await expect(yaml.getAttribute('aria-readonly')).resolves.toBe('true');
      const before = await yaml.textContent();
      await yaml.click();
      await staff.keyboard.insertText('# staff was here');
      await expect(yaml.textContent()).resolves.toBe(before);

      const api = await sessionApi(staff.request, server.url);
      const flow = await api('GET', `/v1/flows/${slackFlowId}`);
      expect(flow.status).toBe(200);
      const denied = await api('PUT', `/v1/flows/${slackFlowId}`, { ...flow.body.data.definition, name: 'Renamed by staff' });
      expect(denied.status, JSON.stringify(denied.body)).toBe(403);
    } finally {
      await second.close();
    }
  }, 90_000);

  it('9. the editor and contact pages in Traditional and Simplified Chinese leave nothing in English', async () => {
    const checks = [
      {
        label: '繁體中文',
        lang: 'zh-TW',
        editor: { canvas: '畫布', save: '儲存', trigger: '觸發條件', history: '版本', versions: '已儲存的版本', tryIt: '試跑' },
        contact: { profile: '個人資料', tabs: ['即將傳送的提醒', '預約', '傳送紀錄', '流程'] },
      },
      {
        label: '简体中文',
        lang: 'zh-CN',
        editor: { canvas: '画布', save: '保存', trigger: '触发条件', history: '版本', versions: '已保存的版本', tryIt: '试运行' },
        contact: { profile: '资料', tabs: ['即将发送的提醒', '预约', '发送记录', '流程'] },
      },
    ] as const;
    // The choice is remembered in the browser: a failure here must not leave the next test in Chinese.
    onTestFinished(() => page.evaluate("localStorage.setItem('nudge.language', 'en')").then(() => undefined));
    for (const c of checks) {
      await shell.goTo(server.url, `/flows/${slackFlowId}`);
      await shell.chooseLanguage(c.label);
      await page.getByRole('tab', { name: c.editor.canvas }).waitFor();
      await page.getByRole('button', { name: c.editor.save, exact: true }).waitFor();
      const step = page.locator('.react-flow__node').filter({ hasText: 'notify-team' });
      await step.getByRole('button').first().click();
      await page.getByRole('complementary').locator('h2').first().waitFor();
      expect(await englishLeftOn(page, c.lang), 'editor, step selected').toEqual([]);
      await expectNoPageScroll(page);
      await page.screenshot({ path: `${SHOTS}editor.${c.lang}.png` });

      await page.locator('.react-flow__node').getByText(c.editor.trigger).click();
      await page.getByRole('complementary').getByRole('heading', { name: c.editor.trigger }).waitFor();
      expect(await englishLeftOn(page, c.lang), 'editor, trigger selected').toEqual([]);
      await page.getByRole('tab', { name: c.editor.tryIt }).click();
      await page.getByRole('tabpanel').last().getByRole('button').first().waitFor();
      expect(await englishLeftOn(page, c.lang), 'editor, try it').toEqual([]);
      await page.getByRole('tab', { name: c.editor.history }).click();
      await page.getByRole('list', { name: c.editor.versions }).waitFor();
      expect(await englishLeftOn(page, c.lang), 'editor, versions').toEqual([]);

      await shell.goTo(server.url, `/contacts/${contactId}`);
      await page.getByText(c.contact.profile, { exact: true }).waitFor();
      for (const tab of c.contact.tabs) {
        await page.getByRole('tab', { name: tab }).click();
        await page.getByRole('tabpanel').getByRole('table').waitFor();
        expect(await englishLeftOn(page, c.lang), `contact, ${tab}`).toEqual([]);
      }
      await page.screenshot({ path: `${SHOTS}contact-flows.${c.lang}.png`, fullPage: true });
    }
    await shell.chooseLanguage('English');
    await shell.nav().getByRole('link', { name: 'Settings' }).waitFor();
    await shell.goTo(server.url, `/flows/${slackFlowId}`);
    await page.locator('.react-flow__node').filter({ hasText: 'notify-team' }).waitFor();
    await page.screenshot({ path: `${SHOTS}editor.en.png` });
  }, 90_000);

  it('10. the flow editor, contact, session and delivery pages have no serious or critical accessibility violation', async () => {
    const problems: Record<string, string[]> = {};
    const check = async (name: string) => {
      const found = await accessibilityProblems(page);
      if (found.length > 0) problems[name] = found;
    };
    await shell.goTo(server.url, `/flows/${slackFlowId}`);
    await page.locator('.react-flow__node').filter({ hasText: 'notify-team' }).waitFor();
    await check('editor');
    await page.locator('.react-flow__node').filter({ hasText: 'notify-team' }).getByRole('button').first().click();
    await page.getByRole('complementary').locator('h2').first().waitFor();
    await check('editor with a step selected');
    await shell.goTo(server.url, `/contacts/${contactId}`);
    await page.getByRole('tabpanel').getByRole('table').waitFor();
    await check('contact');
    await shell.goTo(server.url, `/sessions/${followUpSessionId}`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await check('session');
    await page.screenshot({ path: `${SHOTS}journey-session.en.png`, fullPage: true });
    await shell.goTo(server.url, `/deliveries/${deliveryId}`);
    await page.getByText('Succeeded').first().waitFor();
    await check('delivery');
    await page.screenshot({ path: `${SHOTS}journey-delivery.en.png`, fullPage: true });
    expect(problems).toEqual({});
  }, 90_000);
});
