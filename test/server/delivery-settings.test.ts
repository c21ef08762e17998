/**
 * The workspace's delivery settings as the settings page shows them (transport, SMTP host without
 * credentials, default sender, outbound allow-list) and the test email, over a real SMTP server and
 * to the outbox when none is set; on SQLite and PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { testDialects } from '../helpers/test-store.js';

describe.each(testDialects())('delivery settings (%s)', (dialect) => {
  let smtp: SmtpSink;
  let h: Harness | undefined;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await smtp.close();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('shows the SMTP host but never its credentials, and sends a test email through it', async () => {
    const withAuth = smtp.url.replace('smtp://', 'smtp://mailer:hunter2-password@');
    h = await createHarness(dialect, { NUDGE_SMTP_URL: withAuth, NUDGE_SMTP_FROM: 'Nudge <nudge@example.com>' });
    const shown = await h.api('GET', '/v1/workspace/delivery');
    expect(shown.status).toBe(200);
    expect(shown.body.data).toEqual({
      email: { transport: 'smtp', smtp_host: new URL(smtp.url).host, default_from: 'Nudge <nudge@example.com>' },
      outbound_allow: ['127.0.0.1'],
    });
    expect(JSON.stringify(shown.body)).not.toContain('hunter2');
    await h.close();

    // The sink takes no AUTH over plain text: send without credentials.
    h = await createHarness(dialect, { NUDGE_SMTP_URL: smtp.url });
    await h.api('PATCH', '/v1/workspace', { sender_email: 'Salon Zoë <hi@example.com>' });
    const sent = await h.api('POST', '/v1/workspace/test-email', { to: 'owner@example.com' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.data).toMatchObject({ ok: true, transport: 'smtp' });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(['owner@example.com']);
    expect(mail!.parsed.from?.address).toBe('hi@example.com');
    expect(mail!.parsed.subject).toBe('Nudge test email');
  });

  it('says why a test email failed, and refuses a bad address with its path', async () => {
    h = await createHarness(dialect, { NUDGE_SMTP_URL: smtp.url });
    smtp.failNext(1, 550);
    const failed = await h.api('POST', '/v1/workspace/test-email', { to: 'owner@example.com' });
    expect(failed.status).toBe(200);
    expect(failed.body.data.ok).toBe(false);
    expect(failed.body.data.error).toMatch(/^SMTP: 550/);
    const bad = await h.api('POST', '/v1/workspace/test-email', { to: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('to');
  });

  it('puts the test email in the outbox when no SMTP server is set', async () => {
    h = await createHarness(dialect);
    expect((await h.api('GET', '/v1/workspace/delivery')).body.data.email).toMatchObject({ transport: 'outbox', smtp_host: null });
    const sent = await h.api('POST', '/v1/workspace/test-email', { to: 'owner@example.com' });
    expect(sent.body.data).toMatchObject({ ok: true, transport: 'outbox' });
    const outbox = await h.api('GET', '/v1/outbox');
    expect(outbox.body.data).toEqual([expect.objectContaining({ to: 'owner@example.com', subject: 'Nudge test email' })]);
  });
});
