/**
 * A stand-in for Omnisend's events API, version 2026-03-15 (`POST /api/events`), that checks the
 * documented wire format (Omnisend's Events API spec, EventRequest and contactDto.Contact) and
 * answers like Omnisend:
 * - `Authorization: Omnisend-API-Key <key>` with a key it knows, else 401;
 * - `Omnisend-Version: 2026-03-15`, else 400;
 * - `Content-Type: application/json`, else 415;
 * - the body: `eventName` and `origin` non-empty strings, `eventID` a UUID v4–v7, `eventTime`
 *   RFC 3339 (or `YYYY-MM-DD HH:MM:SS±HH:MM`), `contact` with an email, phone or id and the spec's
 *   field limits (phone ≤ 15 characters in E.164, names ≤ 50, gender m|f, birthdate YYYY-MM-DD),
 *   `properties` an object; a field the spec does not define is refused.
 * Errors are RFC 9457 problem details (`application/problem+json`) with `errors: [{ field, code,
 * message }]` on 400. Success is 202 with an empty body. A scripted 429 is
 * `type: https://problems.omnisend.com/rate-limit-exceeded`, with Retry-After and/or a `retryAfter`
 * body field only when the script asks (Omnisend documents neither for certain).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

export interface OmnisendReceived {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  status: number;
}

export interface OmnisendFailure {
  status: number;
  /** Seconds, as a Retry-After header. */
  retryAfterHeader?: number;
  /** Seconds, as `retryAfter` in the problem body. */
  retryAfterBody?: number;
  detail?: string;
}

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
  retryAfter?: number;
}

export interface OmnisendStandIn {
  /** Base URL for NUDGE_CHANNEL_ENDPOINTS (`omnisend=<url>`). */
  url: string;
  /** Requests that passed the wire checks, with the status answered. */
  received: OmnisendReceived[];
  /** Events accepted (202). */
  events: any[];
  rejected: Problem[];
  failNext(...responses: OmnisendFailure[]): void;
  reset(): void;
  close(): Promise<void>;
}

export const OMNISEND_VERSIONS = ['2026-03-15'];

const PROBLEMS: Record<number, { type: string; title: string }> = {
  400: { type: 'https://problems.omnisend.com/validation-failed', title: 'Validation failed' },
  401: { type: 'https://problems.omnisend.com/unauthorized', title: 'Unauthorized' },
  403: { type: 'https://problems.omnisend.com/forbidden', title: 'Forbidden' },
  404: { type: 'https://problems.omnisend.com/not-found', title: 'Not Found' },
  405: { type: 'https://problems.omnisend.com/method-not-allowed', title: 'Method Not Allowed' },
  415: { type: 'https://problems.omnisend.com/unsupported-media-type', title: 'Unsupported Media Type' },
  429: { type: 'https://problems.omnisend.com/rate-limit-exceeded', title: 'Too Many Requests' },
  500: { type: 'https://problems.omnisend.com/internal-server-error', title: 'Internal Server Error' },
  503: { type: 'https://problems.omnisend.com/service-unavailable', title: 'Service Unavailable' },
};

export function problem(status: number, detail: string, errors?: FieldError[]): Problem {
  const kind = PROBLEMS[status] ?? { type: 'https://problems.omnisend.com/problem', title: 'Problem' };
  return { ...kind, status, detail, instance: `urn:omnisend:request:${randomUUID()}`, ...(errors ? { errors } : {}) };
}

const EVENT_FIELDS = ['eventName', 'origin', 'eventVersion', 'eventID', 'eventTime', 'contact', 'properties'];
/** contactDto.Contact string fields and their maxLength (0: none). */
const CONTACT_STRINGS: Record<string, number> = {
  id: 0,
  email: 0,
  phone: 15,
  firstName: 50,
  lastName: 50,
  birthdate: 0,
  gender: 0,
  address: 500,
  city: 100,
  state: 100,
  postalCode: 20,
  country: 100,
  countryCode: 3,
};
const CONTACT_FIELDS = [...Object.keys(CONTACT_STRINGS), 'tags', 'customProperties', 'consents', 'optIns', 'optOuts'];
const UUID_V4_TO_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-[4-7][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})| \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks an EventRequest; returns the field errors (empty when valid). */
export function checkEventRequest(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, code: string, message: string) => errors.push({ field, code, message });
  if (!isObject(body)) {
    fail('', 'invalid_type', 'Request body must be a JSON object');
    return errors;
  }
  for (const key of Object.keys(body)) if (!EVENT_FIELDS.includes(key)) fail(key, 'unknown_field', 'Unknown field');
  for (const key of ['eventName', 'origin']) {
    if (body[key] === undefined) fail(key, 'required', 'Field is required');
    else if (typeof body[key] !== 'string' || body[key] === '') fail(key, 'invalid_format', 'Must be a non-empty string');
  }
  if (body.eventVersion !== undefined && typeof body.eventVersion !== 'string') fail('eventVersion', 'invalid_type', 'Must be a string');
  if (body.eventID !== undefined && (typeof body.eventID !== 'string' || !UUID_V4_TO_V7.test(body.eventID))) {
    fail('eventID', 'invalid_format', 'Must be a UUID (v4, v5, v6 or v7)');
  }
  if (body.eventTime !== undefined && (typeof body.eventTime !== 'string' || !EVENT_TIME.test(body.eventTime) || Number.isNaN(Date.parse(body.eventTime.replace(' ', 'T'))))) {
    fail('eventTime', 'invalid_format', 'Must be an ISO 8601 timestamp');
  }
  if (body.properties !== undefined && !isObject(body.properties)) fail('properties', 'invalid_type', 'Must be an object');
  const contact = body.contact;
  if (contact === undefined) {
    fail('contact', 'required', 'Field is required');
    return errors;
  }
  if (!isObject(contact)) {
    fail('contact', 'invalid_type', 'Must be an object');
    return errors;
  }
  for (const key of Object.keys(contact)) if (!CONTACT_FIELDS.includes(key)) fail(`contact.${key}`, 'unknown_field', 'Unknown field');
  for (const [key, max] of Object.entries(CONTACT_STRINGS)) {
    const v = contact[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') fail(`contact.${key}`, 'invalid_type', 'Must be a string');
    else if (max > 0 && v.length > max) fail(`contact.${key}`, 'max_length', `Must be at most ${max} characters`);
  }
  if (typeof contact.email === 'string' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contact.email)) {
    fail('contact.email', 'invalid_format', 'Must be a valid email address');
  }
  if (typeof contact.phone === 'string' && !/^\+[1-9]\d{5,13}$/.test(contact.phone)) {
    fail('contact.phone', 'invalid_format', 'Must be a phone number in E.164 format');
  }
  if (contact.gender !== undefined && contact.gender !== 'm' && contact.gender !== 'f') fail('contact.gender', 'invalid_value', 'Must be one of: m, f');
  if (typeof contact.birthdate === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(contact.birthdate)) {
    fail('contact.birthdate', 'invalid_format', 'Format: YYYY-MM-DD');
  }
  if (contact.tags !== undefined && (!Array.isArray(contact.tags) || contact.tags.length > 100 || contact.tags.some((t) => typeof t !== 'string'))) {
    fail('contact.tags', 'invalid_type', 'Must be an array of at most 100 strings');
  }
  if (contact.customProperties !== undefined && !isObject(contact.customProperties)) {
    fail('contact.customProperties', 'invalid_type', 'Must be an object');
  }
  if (![contact.email, contact.phone, contact.id].some((v) => typeof v === 'string' && v !== '')) {
    fail('contact', 'required', 'Contact must have an email, phone or id');
  }
  return errors;
}

export async function startOmnisendStandIn(options: { apiKeys: string[] }): Promise<OmnisendStandIn> {
  const received: OmnisendReceived[] = [];
  const events: any[] = [];
  const rejected: Problem[] = [];
  const script: OmnisendFailure[] = [];

  const sendProblem = (res: ServerResponse, body: Problem, headers: Record<string, string> = {}) => {
    res.writeHead(body.status, { 'content-type': 'application/problem+json', ...headers });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, body: Problem) => {
    rejected.push(body);
    sendProblem(res, body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      if (path !== '/api/events') return refuse(res, problem(404, `No route for ${path}`));
      if (req.method !== 'POST') return refuse(res, problem(405, `Method ${req.method} is not allowed`));
      const auth = /^Omnisend-API-Key (\S+)$/.exec(req.headers.authorization ?? '');
      if (!auth || !options.apiKeys.includes(auth[1]!)) {
        return refuse(res, problem(401, 'Provide a valid API key in the Authorization header: Omnisend-API-Key <key>'));
      }
      const version = req.headers['omnisend-version'];
      if (typeof version !== 'string' || !OMNISEND_VERSIONS.includes(version)) {
        return refuse(
          res,
          problem(400, 'A supported Omnisend-Version header is required', [
            { field: 'Omnisend-Version', code: version === undefined ? 'required' : 'invalid_value', message: 'Supported: 2026-03-15' },
          ]),
        );
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type !== 'application/json') return refuse(res, problem(415, `Content-Type must be application/json, got "${type}"`));
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return refuse(res, problem(400, 'The request body is not valid JSON', [{ field: '', code: 'invalid_json', message: 'Malformed JSON' }]));
      }
      const errors = checkEventRequest(body);
      if (errors.length > 0) return refuse(res, problem(400, 'The request contains invalid fields', errors));
      const scripted = script.shift();
      if (scripted) {
        received.push({ path, headers: req.headers, body, status: scripted.status });
        const p = problem(scripted.status, scripted.detail ?? (scripted.status === 429 ? 'Rate limit exceeded: 400 requests per minute' : 'Scripted failure'));
        if (scripted.retryAfterBody !== undefined) p.retryAfter = scripted.retryAfterBody;
        const headers: Record<string, string> = scripted.retryAfterHeader !== undefined ? { 'retry-after': String(scripted.retryAfterHeader) } : {};
        return sendProblem(res, p, headers);
      }
      received.push({ path, headers: req.headers, body, status: 202 });
      events.push(body);
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    events,
    rejected,
    failNext: (...r) => script.push(...r),
    reset() {
      received.length = 0;
      events.length = 0;
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
