/**
 * A stand-in for Twilio's Create Message endpoint that checks the documented wire format:
 * `POST /2010-04-01/Accounts/{AC…}/Messages.json`, HTTP Basic auth with the account SID and auth
 * token (or an API key SID and secret), an `application/x-www-form-urlencoded` body with `To` in
 * E.164, exactly one of `From` / `MessagingServiceSid`, and a `Body` of 1–1,600 characters. It
 * answers 201 with the message resource (`status: queued`, or `accepted` through a messaging
 * service) and refuses anything else with Twilio's error JSON `{code, message, more_info, status}`.
 * Scripted failures answer the same way (429 with Retry-After, 5xx), or hang up without answering.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface TwilioMessage {
  accountSid: string;
  /** The Basic auth user name (the account SID or an API key SID). */
  username: string;
  headers: IncomingMessage['headers'];
  /** Every form parameter, as received. */
  params: Record<string, string>;
  sid: string;
  at: number;
}

export interface TwilioFailure {
  status: number;
  code: number;
  message: string;
  retryAfter?: number;
}

export interface TwilioStandIn {
  /** Base URL for NUDGE_CHANNEL_ENDPOINTS (`twilio=<url>`). */
  url: string;
  accountSid: string;
  authToken: string;
  apiKeySid: string;
  apiKeySecret: string;
  messages: TwilioMessage[];
  /** Requests refused for their format, with Twilio's error body. */
  rejected: Array<{ status: number; code: number; message: string }>;
  /** Answers the next valid requests with these errors instead of sending. */
  failNext(...failures: TwilioFailure[]): void;
  /** Reads the next valid request, then closes the connection without answering (outcome unknown). */
  hangUpNext(): void;
  reset(): void;
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{1,14}$/;
/** Alphanumeric sender IDs: 1–11 letters, digits and spaces, at least one letter. */
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

const hex32 = () => randomBytes(16).toString('hex');

export async function startTwilioStandIn(): Promise<TwilioStandIn> {
  const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
  const authToken = 'twilio-auth-token-0123456789abcd';
  const apiKeySid = `SK${'fedcba9876543210'.repeat(2)}`;
  const apiKeySecret = 'twilio-api-key-secret-0123456789';
  const messages: TwilioMessage[] = [];
  const rejected: TwilioStandIn['rejected'] = [];
  const script: Array<TwilioFailure | 'hang-up'> = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const refuse = (status: number, code: number, message: string) => {
        rejected.push({ status, code, message });
        twilioError(res, status, code, message);
      };
      const path = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
      if (!path) return refuse(404, 20404, 'The requested resource was not found');
      if (req.method !== 'POST') return refuse(405, 20004, 'Method not allowed');
      const auth = parseBasic(req.headers.authorization);
      const credentials = auth && ((auth.user === accountSid && auth.password === authToken) || (auth.user === apiKeySid && auth.password === apiKeySecret));
      if (!credentials) return refuse(401, 20003, 'Authenticate');
      if (path[1] !== accountSid) return refuse(404, 20404, `The requested resource /2010-04-01/Accounts/${path[1]}/Messages.json was not found`);
      // Twilio reads parameters from a form body only; anything else arrives as no parameters.
      const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const params = new URLSearchParams(form ? Buffer.concat(chunks).toString('utf8') : '');
      const p = Object.fromEntries(params);
      if (!p.To) return refuse(400, 21604, "A 'To' phone number is required.");
      // WhatsApp through Twilio: `whatsapp:` and an E.164 number, on both To and From.
      const whatsapp = p.To.startsWith('whatsapp:');
      if (!E164.test(whatsapp ? p.To.slice('whatsapp:'.length) : p.To)) return refuse(400, 21211, `The 'To' number ${p.To} is not a valid phone number.`);
      if (whatsapp && p.From !== undefined && !(p.From.startsWith('whatsapp:') && E164.test(p.From.slice('whatsapp:'.length)))) {
        return refuse(400, 63007, `Twilio could not find a Channel with the specified From address: ${p.From}`);
      }
      if (!p.From && !p.MessagingServiceSid) return refuse(400, 21603, "A 'From' phone number is required.");
      if (!whatsapp && p.From !== undefined && !E164.test(p.From) && !SENDER_ID.test(p.From)) {
        return refuse(400, 21212, `The 'From' number ${p.From} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
      }
      if (p.MessagingServiceSid !== undefined && !/^MG[0-9a-fA-F]{32}$/.test(p.MessagingServiceSid)) {
        return refuse(400, 21701, 'The Messaging Service Sid is invalid.');
      }
      if (!p.Body) return refuse(400, 21602, 'Message body is required.');
      if ([...p.Body].length > 1600) return refuse(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
      if (p.StatusCallback !== undefined && !/^https?:\/\/[^\s/]+/.test(p.StatusCallback)) {
        return refuse(400, 21609, `The StatusCallback URL ${p.StatusCallback} is not a valid URL.`);
      }

      const scripted = script.shift();
      if (scripted === 'hang-up') {
        req.socket.destroy();
        return;
      }
      if (scripted) return twilioError(res, scripted.status, scripted.code, scripted.message, scripted.retryAfter);

      const sid = `SM${hex32()}`;
      messages.push({ accountSid, username: auth.user, headers: req.headers, params: p, sid, at: Date.now() });
      const date = new Date().toUTCString().replace('GMT', '+0000');
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          account_sid: accountSid,
          api_version: '2010-04-01',
          body: p.Body,
          date_created: date,
          date_sent: null,
          date_updated: date,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: p.From ?? null,
          messaging_service_sid: p.MessagingServiceSid ?? null,
          num_media: '0',
          num_segments: String(Math.max(1, Math.ceil([...p.Body].length / 153))),
          price: null,
          price_unit: 'USD',
          sid,
          status: p.MessagingServiceSid ? 'accepted' : 'queued',
          subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
          to: p.To,
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    apiKeySid,
    apiKeySecret,
    messages,
    rejected,
    failNext: (...f) => script.push(...f),
    hangUpNext: () => script.push('hang-up'),
    reset() {
      messages.length = 0;
      rejected.length = 0;
      script.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseBasic(header: string | undefined): { user: string; password: string } | null {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function twilioError(res: ServerResponse, status: number, code: number, message: string, retryAfter?: number): void {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  res.writeHead(status, headers);
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}
