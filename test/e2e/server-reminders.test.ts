/**
 * End to end, as a person runs it: `nudge serve` on its zero-configuration SQLite default, flows
 * applied from YAML with `nudge flows apply`, events posted over HTTP, a real HTTP receiver and a
 * real SMTP server. Real time: appointments 24 hours and a few seconds ahead.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, nudgeCommand, sleep, startNudge, type NudgeProcess } from '../helpers/nudge-process.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const REMINDER_YAML = (receiverUrl: string) => `
name: Reminder 24 hours before
trigger:
  appointment:
    anchor: start
    before: 24h
steps:
  - id: ping
    webhook:
      url: ${receiverUrl}/reminder
      body:
        appointment: "{{ appointment.id }}"
        due: "{{ appointment.start_at }}"
  - id: mail
    email:
      to: "{{ contact.email }}"
      subject: "Reminder: {{ event.service_name }} {{ event.datetime }}"
      text: "See you soon, {{ contact.first_name }}."
`;

const PAUSABLE_YAML = (receiverUrl: string) => `
name: Follow-up after 2 seconds
trigger:
  event: order.paid
steps:
  - wait: { duration: 2s }
  - webhook:
      url: ${receiverUrl}/follow-up
      body: { contact: "{{ contact.external_id }}" }
`;

describe('nudge serve end to end (SQLite, zero configuration)', () => {
  let dir: string;
  let receiver: Receiver;
  let smtp: SmtpSink;
  let nudge: NudgeProcess;
  let key: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nudge-e2e-'));
    receiver = await startReceiver();
    smtp = await startSmtpSink();
    nudge = await startNudge('serve', { NUDGE_DATA_DIR: join(dir, 'data'), NUDGE_SMTP_URL: smtp.url });
    expect(nudge.apiKey).toMatch(/^nk_/);
    key = nudge.apiKey!;
    await writeFile(join(dir, 'reminder.yaml'), REMINDER_YAML(receiver.url));
    await writeFile(join(dir, 'follow-up.yaml'), PAUSABLE_YAML(receiver.url));
    const applied = await nudgeCommand(['flows', 'apply', join(dir, 'reminder.yaml'), join(dir, 'follow-up.yaml')], {
      NUDGE_URL: nudge.url!,
      NUDGE_API_KEY: key,
    });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/reminder\.yaml: created fl_\w+ "Reminder 24 hours before" v1 \(active\)/);
  }, 60_000);

  afterAll(async () => {
    await nudge?.stop();
    await receiver?.close();
    await smtp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applying the same files again changes nothing', async () => {
    const again = await nudgeCommand(['flows', 'apply', join(dir, 'reminder.yaml')], { NUDGE_URL: nudge.url!, NUDGE_API_KEY: key });
    expect(again.stdout).toMatch(/unchanged .* v1 \(active\)/);
  });

  it('fires on time, follows a reschedule, never fires after a cancel, skips a booking inside the window', async () => {
    const base = Date.now();
    const onTime = base + 24 * H + 3_000;
    const event = (name: string, id: string, start: number) => ({
      name,
      contact: { external_id: `c-${id}`, email: `${id}@example.com`, first_name: 'Ada' },
      appointment: { id, start_at: iso(start), service_name: 'Massage', timezone: 'Europe/Paris' },
    });
    const post = (body: unknown) => call(nudge.url!, key, 'POST', '/v1/events', body);

    expect((await post(event('appointment.created', 'on-time', onTime))).status).toBe(202);
    expect((await post(event('appointment.created', 'moved', onTime))).status).toBe(202);
    expect((await post(event('appointment.rescheduled', 'moved', onTime + 3_000))).status).toBe(202);
    expect((await post(event('appointment.created', 'canceled', onTime))).status).toBe(202);
    expect((await post(event('appointment.canceled', 'canceled', onTime))).status).toBe(202);
    expect((await post(event('appointment.created', 'inside-window', base + 2 * H))).status).toBe(202);

    await receiver.waitFor(2, 15_000);
    await smtp.waitFor(2, 5_000);
    await sleep(1_500); // anything that should not come would have come by now

    const byId = (id: string) => receiver.requests.filter((r) => r.path === '/reminder' && JSON.parse(r.body).appointment === id);
    const due = onTime - 24 * H;
    const [first] = byId('on-time');
    expect(byId('on-time')).toHaveLength(1);
    expect(first!.at).toBeGreaterThanOrEqual(due);
    expect(first!.at - due).toBeLessThan(1_000);

    const [moved] = byId('moved');
    expect(byId('moved')).toHaveLength(1);
    expect(moved!.at).toBeGreaterThanOrEqual(due + 3_000);
    expect(moved!.at - (due + 3_000)).toBeLessThan(1_000);
    expect(JSON.parse(moved!.body).due).toBe(iso(onTime + 3_000));

    expect(byId('canceled')).toHaveLength(0);
    expect(byId('inside-window')).toHaveLength(0);

    const mails = smtp.messages.map((m) => m.envelopeTo[0]).sort();
    expect(mails).toEqual(['moved@example.com', 'on-time@example.com']);
    const onTimeMail = smtp.messages.find((m) => m.envelopeTo[0] === 'on-time@example.com')!;
    expect(onTimeMail.at - due).toBeLessThan(1_000);
    expect(onTimeMail.parsed.subject).toMatch(/^Reminder: Massage /);
  }, 30_000);

  it('the same event posted twice starts one session', async () => {
    const body = { name: 'order.paid', idempotency_key: 'order-1001-paid', contact: { external_id: 'twice' } };
    const a = await call(nudge.url!, key, 'POST', '/v1/events', body);
    const b = await call(nudge.url!, key, 'POST', '/v1/events', body);
    expect(a.status).toBe(202);
    expect(b.status).toBe(200);
    expect(b.body.data.duplicate).toBe(true);
    const contact = await call(nudge.url!, key, 'GET', '/v1/contacts/twice');
    const sessions = await call(nudge.url!, key, 'GET', `/v1/sessions?contact_id=${contact.body.data.id}`);
    expect(sessions.body.data).toHaveLength(1);
  });

  it('pause holds a waiting session; resume lets it finish', async () => {
    const flows = await call(nudge.url!, key, 'GET', '/v1/flows');
    const flow = flows.body.data.find((f: { name: string }) => f.name === 'Follow-up after 2 seconds');
    await call(nudge.url!, key, 'POST', '/v1/events', { name: 'order.paid', contact: { external_id: 'pauser' } });
    // Pause once the session waits (paused before its first step ran, the 2 s wait would start at resume).
    const contact = (await call(nudge.url!, key, 'GET', '/v1/contacts/pauser')).body.data;
    const status = async () => (await call(nudge.url!, key, 'GET', `/v1/sessions?contact_id=${contact.id}`)).body.data[0]?.status;
    for (let i = 0; i < 50 && (await status()) !== 'waiting'; i++) await sleep(20);
    expect(await status()).toBe('waiting');
    expect((await call(nudge.url!, key, 'POST', `/v1/flows/${flow.id}/pause`)).body.data.status).toBe('paused');
    await sleep(3_000);
    const followUps = () => receiver.requests.filter((r) => r.path === '/follow-up' && JSON.parse(r.body).contact === 'pauser');
    expect(followUps()).toHaveLength(0);
    const resumedAt = Date.now();
    expect((await call(nudge.url!, key, 'POST', `/v1/flows/${flow.id}/resume`)).body.data.status).toBe('active');
    for (let i = 0; i < 50 && followUps().length === 0; i++) await sleep(100);
    expect(followUps()).toHaveLength(1);
    expect(followUps()[0]!.at - resumedAt).toBeLessThan(1_000);
  }, 20_000);

  it('serves health, metrics and the OpenAPI document', async () => {
    const health = await fetch(`${nudge.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });
    const metrics = await (await fetch(`${nudge.url}/metrics`)).text();
    expect(metrics).toMatch(/nudge_events_ingested_total\{name="appointment\.created",result="stored"\} \d+/);
    expect(metrics).toMatch(/nudge_deliveries_total\{channel="webhook",status="succeeded"\} \d+/);
    expect(metrics).toMatch(/nudge_sessions\{status="completed"\} \d+/);
    expect(metrics).toMatch(/nudge_timer_lateness_seconds_bucket/);
    const doc = (await (await fetch(`${nudge.url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/events');
  });
});
