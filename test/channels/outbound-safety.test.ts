/**
 * Outbound safety (SSRF): sendHttpRequest refuses loopback, private, link-local, metadata and
 * reserved addresses unless NUDGE_OUTBOUND_ALLOW lets them through, checks every redirect hop,
 * and stops reading a response past 1 MiB. The last tests run through the engine with no
 * allow-list, for a webhook step and for a channel module (Slack).
 */
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError } from '../../src/channels/channel.js';
import { MAX_RESPONSE_BYTES, sendHttpRequest, type HttpRequest } from '../../src/channels/http/http-request.js';
import { createOutboundGuard, type OutboundGuard } from '../../src/channels/http/outbound-guard.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';
import { startSlackStandIn, type SlackStandIn } from '../stand-ins/slack.js';

const context = { idempotencyKey: 'ss_1.hook.1', workspaceId: 'ws_1', sessionId: 'ss_1' };
const post = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"a":1}',
  timeoutMs: 5_000,
  ...extra,
});

/** The ChannelError a send fails with (the test fails if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ChannelError);
    return error as ChannelError;
  }
  throw new Error('expected the request to be refused');
}

const guards: OutboundGuard[] = [];
function guard(allow: string[] = []): OutboundGuard {
  const g = createOutboundGuard({ allow });
  guards.push(g);
  return g;
}

describe('outbound requests', () => {
  let receiver: Receiver;
  let other: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    other = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await other.close();
    await Promise.all(guards.map((g) => g.close()));
  });
  afterEach(() => {
    receiver.requests.length = 0;
    other.requests.length = 0;
  });

  it.each([
    ['127.0.0.1', 'a loopback address (127.0.0.0/8)'],
    ['[::1]', 'a loopback address (::1/128)'],
    ['10.0.0.7', 'a private address (10.0.0.0/8)'],
    ['172.20.1.1', 'a private address (172.16.0.0/12)'],
    ['192.168.0.10', 'a private address (192.168.0.0/16)'],
    ['[fd00::7]', 'a private address (fc00::/7)'],
    ['169.254.10.1', 'a link-local address (169.254.0.0/16)'],
    ['[fe80::1]', 'a link-local address (fe80::/10)'],
    ['169.254.169.254', 'a cloud metadata address (169.254.169.254/32)'],
    ['100.100.100.200', 'a carrier-grade NAT address (100.64.0.0/10)'],
    ['0.0.0.0', 'a "this network" address (0.0.0.0/8)'],
    ['[::]', 'the unspecified address (::/128)'],
    ['224.0.0.251', 'a multicast address (224.0.0.0/4)'],
    ['[ff02::1]', 'a multicast address (ff00::/8)'],
    ['240.1.2.3', 'a reserved address (240.0.0.0/4)'],
    ['[::ffff:127.0.0.1]', 'a loopback address (127.0.0.0/8, as IPv6)'],
    ['[::ffff:169.254.169.254]', 'a cloud metadata address (169.254.169.254/32, as IPv6)'],
  ])('refuses %s by default: %s', async (host, what) => {
    const error = await failure(sendHttpRequest(context, post(`http://${host}:8080/hook`), Date.now));
    expect(error.retryable).toBe(false);
    const address = new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, '');
    expect(error.message).toBe(
      `blocked: ${address} is ${what}. Requests to loopback, private, link-local, cloud metadata and reserved addresses are refused; ` +
        `to allow this receiver, add "${address}" to NUDGE_OUTBOUND_ALLOW`,
    );
  });

  it('refuses the other spellings of 127.0.0.1 that URLs accept', async () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://0177.0.0.1/']) {
      const error = await failure(sendHttpRequest(context, post(url), Date.now));
      expect(error.message).toMatch(/^blocked: 127\.0\.0\.1 is a loopback address/);
    }
  });

  it('refuses a hostname after resolving it (localhost), naming the name and the address', async () => {
    const port = new URL(receiver.url).port;
    const error = await failure(sendHttpRequest(context, post(`http://localhost:${port}/hook`), Date.now));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^blocked: localhost resolves to (127\.0\.0\.1|::1), a loopback address \((127\.0\.0\.0\/8|::1\/128)\)\. .* add "localhost" \(or "(127\.0\.0\.1|::1)"\) to NUDGE_OUTBOUND_ALLOW$/,
    );
    expect(receiver.requests).toHaveLength(0);
  });

  it('lets an allowed IP, CIDR or hostname through', async () => {
    const port = new URL(receiver.url).port;
    for (const [allow, url] of [
      [['127.0.0.1'], `${receiver.url}/ip`],
      [['127.0.0.0/8'], `${receiver.url}/cidr`],
      [['localhost'], `http://localhost:${port}/name`],
    ] as const) {
      const result = await sendHttpRequest({ ...context, outbound: guard([...allow]) }, post(url), Date.now);
      expect(result.response).toMatchObject({ status: 200 });
    }
    expect(receiver.requests.map((r) => r.path)).toEqual(['/ip', '/cidr', '/name']);
  });

  it('checks every redirect hop: an allowed receiver cannot bounce a request to the metadata address', async () => {
    receiver.respondWith({ status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data/iam/' } });
    const error = await failure(sendHttpRequest({ ...context, outbound: guard(['127.0.0.1']) }, post(`${receiver.url}/hook`), Date.now));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^blocked: 169\.254\.169\.254 is a cloud metadata address/);
    expect(receiver.requests).toHaveLength(1);
  });

  it('checks a redirect from an allowed name to an address the allow-list does not cover', async () => {
    const port = new URL(receiver.url).port;
    receiver.respondWith({ status: 308, headers: { location: `${other.url}/moved` } });
    const error = await failure(sendHttpRequest({ ...context, outbound: guard(['localhost']) }, post(`http://localhost:${port}/a`), Date.now));
    expect(error.message).toMatch(/^blocked: 127\.0\.0\.1 is a loopback address/);
    expect(receiver.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('follows an allowed redirect as fetch does: 307 keeps method and body, credentials stay with their origin', async () => {
    receiver.respondWith({ status: 307, headers: { location: `${other.url}/moved?x=1` } });
    const input = post(`${receiver.url}/a`, { headers: { 'content-type': 'application/json', authorization: 'Bearer t0k3n', 'x-custom': 'kept' } });
    const result = await sendHttpRequest({ ...context, outbound: guard(['127.0.0.1']) }, input, Date.now);
    expect(result.response).toMatchObject({ status: 200, redirects: [`${other.url}/moved?x=1`] });
    expect(receiver.requests[0]!.headers.authorization).toBe('Bearer t0k3n');
    const moved = other.requests[0]!;
    expect(moved).toMatchObject({ method: 'POST', path: '/moved?x=1', body: '{"a":1}' });
    expect(moved.headers.authorization).toBeUndefined();
    expect(moved.headers['x-custom']).toBe('kept');
    expect(moved.headers['idempotency-key']).toBe('ss_1.hook.1');
  });

  it('never turns a POST into a GET: a 301, 302 or 303 is a permanent failure naming the Location, and nothing more is sent', async () => {
    for (const status of [301, 302, 303]) {
      receiver.respondWith({ status, headers: { location: '/moved' } });
      const error = await failure(sendHttpRequest({ ...context, outbound: guard(['127.0.0.1']) }, post(`${receiver.url}/a`), Date.now));
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(
        `HTTP ${status} redirect to ${receiver.url}/moved not followed: it would resend the POST as a GET without its body (only 307 and 308 keep them); point the step at the new URL`,
      );
      expect(error.response).toMatchObject({ status, redirects: [`${receiver.url}/moved`] });
    }
    expect(receiver.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /a', 'POST /a', 'POST /a']);
  });

  it('follows any redirect for a GET, checking the new address', async () => {
    receiver.respondWith({ status: 302, headers: { location: `${other.url}/moved` } });
    const result = await sendHttpRequest({ ...context, outbound: guard(['127.0.0.1']) }, post(`${receiver.url}/a`, { method: 'GET', body: null }), Date.now);
    expect(result.response).toMatchObject({ status: 200, redirects: [`${other.url}/moved`] });
    expect(other.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /moved']);
    receiver.respondWith({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    const error = await failure(sendHttpRequest({ ...context, outbound: guard(['127.0.0.1']) }, post(`${receiver.url}/a`, { method: 'GET', body: null }), Date.now));
    expect(error.message).toMatch(/^blocked: 169\.254\.169\.254 is a cloud metadata address/);
  });

  it('gives up after 5 redirects', async () => {
    receiver.respondWith(...Array.from({ length: 6 }, (_, i) => ({ status: 307, headers: { location: `/r${i + 1}` } })));
    const error = await failure(sendHttpRequest({ ...context, outbound: guard(['127.0.0.1']) }, post(`${receiver.url}/r0`), Date.now));
    expect(error.message).toBe('too many redirects (more than 5)');
    expect(error.retryable).toBe(false);
    expect(receiver.requests).toHaveLength(6);
  });

  it('refuses URLs that are not http(s) without trying them', async () => {
    expect((await failure(sendHttpRequest(context, post('file:///etc/passwd'), Date.now))).message).toBe('unsupported URL scheme "file:" (expected http or https)');
    expect((await failure(sendHttpRequest(context, post('not a url'), Date.now))).retryable).toBe(false);
  });
});

describe('response size', () => {
  let server: Server;
  let url: string;
  let streamed = 0;

  beforeAll(async () => {
    // Answers 200 and then streams forever: only a reader that stops can finish.
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) streamed += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/endless`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('stops reading past 1 MiB and logs the beginning', async () => {
    const started = Date.now();
    const result = await sendHttpRequest({ ...context, outbound: guard(['127.0.0.1']) }, post(url, { timeoutMs: 20_000 }), Date.now);
    expect(Date.now() - started).toBeLessThan(10_000);
    const logged = result.response as { status: number; body: string };
    expect(logged.status).toBe(200);
    expect(logged.body).toBe(`${'x'.repeat(16_384)}…`);
    // The server got to write little more than the limit plus socket buffers before the reader hung up.
    expect(streamed).toBeLessThan(MAX_RESPONSE_BYTES * 8);
  });
});

describe.each(testDialects())('engine with no allow-list on %s', (dialect) => {
  let h: Harness;
  let receiver: Receiver;
  let slack: SlackStandIn;

  beforeAll(async () => {
    receiver = await startReceiver();
    slack = await startSlackStandIn();
  });
  afterAll(async () => {
    await receiver.close();
    await slack.close();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('fails a webhook step to 127.0.0.1 at once, saying how to allow it', async () => {
    h = await createHarness(dialect, { NUDGE_OUTBOUND_ALLOW: '' });
    const flow = await h.api('POST', '/v1/flows?activate=true', {
      name: 'hook',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'hook', webhook: { url: `${receiver.url}/internal` } }],
    });
    expect(flow.status).toBe(201);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'b1', new Date(T0 + 3_600_000).toISOString()));
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    const [session] = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(session.end_reason).toBe(
      'webhook hook failed: blocked: 127.0.0.1 is a loopback address (127.0.0.0/8). Requests to loopback, private, link-local, ' +
        'cloud metadata and reserved addresses are refused; to allow this receiver, add "127.0.0.1" to NUDGE_OUTBOUND_ALLOW (permanent error)',
    );
  });

  it('guards channel modules too (Slack), and lets them through once allowed', async () => {
    for (const [allow, expected] of [
      ['', 'failed'],
      ['127.0.0.0/8', 'completed'],
    ] as const) {
      h = await createHarness(dialect, { NUDGE_OUTBOUND_ALLOW: allow });
      expect((await h.api('PUT', '/v1/secrets/SLACK_WEBHOOK_URL', { value: slack.webhookUrl('t0k3n') })).status).toBe(200);
      const flow = await h.api('POST', '/v1/flows?activate=true', {
        name: 'slack',
        trigger: { event: 'appointment.created' },
        steps: [{ id: 'notify', send: { channel: 'slack', webhook_url: '{{ secrets.SLACK_WEBHOOK_URL }}', text: 'New booking' } }],
      });
      expect(flow.status).toBe(201);
      await h.api('POST', '/v1/events', appointmentEvent('appointment.created', `sl-${expected}`, new Date(T0 + 3_600_000).toISOString()));
      await h.drain();
      const [session] = (await h.api('GET', '/v1/sessions')).body.data;
      expect(session.status).toBe(expected);
      if (expected === 'failed') expect(session.end_reason).toMatch(/blocked: 127\.0\.0\.1 is a loopback address/);
      await h.close();
    }
    expect(slack.messages).toHaveLength(1);
    h = undefined as unknown as Harness;
  });
});
