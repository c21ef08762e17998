/**
 * A stand-in for Klaviyo's Create Event (`POST /api/events`) that checks the documented wire format
 * (Klaviyo's OpenAPI spec, revision 2026-07-15, schema EventCreateQueryV2) and answers like Klaviyo:
 * - `Authorization: Klaviyo-API-Key <private key>` with a key it knows, else 401 `not_authenticated`;
 * - a `revision` header naming a stable revision, else 400;
 * - `Content-Type: application/vnd.api+json` (or `application/json`, which Klaviyo also takes), else 415;
 * - the JSON:API body: `data.type = "event"`, `attributes.properties` an object, `metric.data`
 *   (`type: "metric"`, a name under 128 characters), `profile.data` (`type: "profile"`, attributes
 *   with at least one identifier, E.164 phone), optional time/value/value_currency/unique_id/backfill
 *   with their types; any field the spec does not define is refused, as Klaviyo refuses it (400
 *   `invalid`, with `source.pointer`).
 * Success is 202 with an empty body and `RateLimit-*` headers; a scripted 429 carries `Retry-After`
 * and no `RateLimit-*` headers. Like Klaviyo, it records an event once per profile, metric and unique_id.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

export interface KlaviyoReceived {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** What the stand-in answered. */
  status: number;
}

export interface KlaviyoFailure {
  status: number;
  /** Seconds, sent as Retry-After (429). */
  retryAfter?: number;
  code?: string;
  detail?: string;
  /** Record the event anyway, as when Klaviyo accepted it but the response was lost. */
  processed?: boolean;
}

export interface JsonApiError {
  id: string;
  status: number;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string };
  links: Record<string, never>;
  meta: Record<string, never>;
}

export interface KlaviyoStandIn {
  /** Base URL for NUDGE_CHANNEL_ENDPOINTS (`klaviyo=<url>`). */
  url: string;
  /** Requests that passed the wire checks, in order, with the status answered (scripted or 202). */
  received: KlaviyoReceived[];
  /** Events Klaviyo would record: the first per profile, metric and unique_id. */
  events: Array<{ metric: string; profile: Record<string, unknown>; attributes: any }>;
  /** Requests refused by the wire checks, with the error body sent. */
  rejected: Array<{ status: number; errors: JsonApiError[] }>;
  failNext(...responses: KlaviyoFailure[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** Stable revisions Klaviyo publishes (quarterly); the newest in the stored spec is 2026-07-15. */
export const KLAVIYO_REVISIONS = ['2024-10-15', '2025-01-15', '2025-04-15', '2025-07-15', '2025-10-15', '2026-01-15', '2026-04-15', '2026-07-15'];

const ATTRIBUTE_FIELDS = ['properties', 'time', 'value', 'value_currency', 'unique_id', 'backfill', 'metric', 'profile'];
const PROFILE_STRING_FIELDS = [
  'email',
  'phone_number',
  'external_id',
  'anonymous_id',
  '_kx',
  'first_name',
  'last_name',
  'organization',
  'locale',
  'title',
  'image',
];
const LOCATION_FIELDS = ['address1', 'address2', 'city', 'country', 'region', 'zip', 'timezone', 'ip', 'latitude', 'longitude'];
const TITLES: Record<number, string> = {
  400: 'Invalid input.',
  401: 'Incorrect authentication credentials.',
  403: 'You do not have permission to perform this action.',
  404: 'Not found.',
  405: 'Method not allowed.',
  406: 'Could not satisfy the request Accept header.',
  415: 'Unsupported media type.',
  429: 'Request was throttled.',
  500: 'A server error occurred.',
  503: 'Service unavailable.',
};
const CODES: Record<number, string> = {
  400: 'invalid',
  401: 'not_authenticated',
  403: 'permission_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  415: 'unsupported_media_type',
  429: 'throttled',
  500: 'error',
  503: 'service_unavailable',
};

export function jsonApiError(status: number, detail: string, source?: JsonApiError['source'], code?: string): JsonApiError {
  return {
    id: randomUUID(),
    status,
    code: code ?? CODES[status] ?? 'error',
    title: TITLES[status] ?? 'Error.',
    detail,
    ...(source ? { source } : {}),
    links: {},
    meta: {},
  };
}

class Invalid extends Error {
  constructor(
    readonly detail: string,
    readonly pointer: string,
  ) {
    super(detail);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function only(value: Record<string, unknown>, allowed: string[], pointer: string, resource: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new Invalid(`'${key}' is not a valid field for the resource '${resource}'.`, `${pointer}/${key}`);
  }
}

function object(value: unknown, pointer: string): Record<string, unknown> {
  if (value === undefined) throw new Invalid('This field is required.', pointer);
  if (!isObject(value)) throw new Invalid('Must be an object.', pointer);
  return value;
}

function optional(value: unknown, type: 'string' | 'number' | 'boolean', pointer: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) throw new Invalid(`Must be a ${type}.`, pointer);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks a Create Event body against EventCreateQueryV2; returns the event's attributes. */
export function checkEventBody(body: unknown): Record<string, unknown> {
  const root = object(body, '/');
  only(root, ['data'], '', 'event');
  const data = object(root.data, '/data');
  only(data, ['type', 'attributes'], '/data', 'event');
  if (data.type !== 'event') throw new Invalid(`The type must be 'event'.`, '/data/type');
  const a = object(data.attributes, '/data/attributes');
  only(a, ATTRIBUTE_FIELDS, '/data/attributes', 'event');
  object(a.properties, '/data/attributes/properties');
  if (Object.keys(a.properties as object).length > 400) throw new Invalid('Event properties must not exceed 400.', '/data/attributes/properties');
  if (a.time !== undefined && a.time !== null) {
    if (typeof a.time !== 'string' || !DATE_TIME.test(a.time)) throw new Invalid('Must be a valid date-time.', '/data/attributes/time');
    if (Date.parse(a.time) <= Date.parse('1990-01-01T00:00:00Z')) throw new Invalid('The time must be after the year 1990.', '/data/attributes/time');
  }
  optional(a.value, 'number', '/data/attributes/value');
  optional(a.value_currency, 'string', '/data/attributes/value_currency');
  optional(a.unique_id, 'string', '/data/attributes/unique_id');
  optional(a.backfill, 'boolean', '/data/attributes/backfill');

  const metricDocument = object(a.metric, '/data/attributes/metric');
  only(metricDocument, ['data'], '/data/attributes/metric', 'metric');
  const metric = object(metricDocument.data, '/data/attributes/metric/data');
  only(metric, ['type', 'attributes'], '/data/attributes/metric/data', 'metric');
  if (metric.type !== 'metric') throw new Invalid(`The type must be 'metric'.`, '/data/attributes/metric/data/type');
  const m = object(metric.attributes, '/data/attributes/metric/data/attributes');
  only(m, ['name', 'service'], '/data/attributes/metric/data/attributes', 'metric');
  if (typeof m.name !== 'string' || m.name === '') throw new Invalid('This field is required.', '/data/attributes/metric/data/attributes/name');
  if (m.name.length >= 128) throw new Invalid('Name must be less than 128 characters.', '/data/attributes/metric/data/attributes/name');
  optional(m.service, 'string', '/data/attributes/metric/data/attributes/service');

  const profileDocument = object(a.profile, '/data/attributes/profile');
  only(profileDocument, ['data'], '/data/attributes/profile', 'profile');
  const profile = object(profileDocument.data, '/data/attributes/profile/data');
  only(profile, ['type', 'id', 'attributes'], '/data/attributes/profile/data', 'profile');
  if (profile.type !== 'profile') throw new Invalid(`The type must be 'profile'.`, '/data/attributes/profile/data/type');
  optional(profile.id, 'string', '/data/attributes/profile/data/id');
  const p = object(profile.attributes, '/data/attributes/profile/data/attributes');
  const at = '/data/attributes/profile/data/attributes';
  only(p, [...PROFILE_STRING_FIELDS, 'location', 'properties', 'meta'], at, 'profile');
  for (const field of PROFILE_STRING_FIELDS) optional(p[field], 'string', `${at}/${field}`);
  if (typeof p.email === 'string' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.email)) {
    throw new Invalid(`Invalid email address`, `${at}/email`);
  }
  if (typeof p.phone_number === 'string' && !/^\+[1-9]\d{5,14}$/.test(p.phone_number)) {
    throw new Invalid('Invalid phone number format (Example of a valid format: +13239169023)', `${at}/phone_number`);
  }
  if (p.location !== undefined && p.location !== null) {
    const location = object(p.location, `${at}/location`);
    only(location, LOCATION_FIELDS, `${at}/location`, 'profile');
  }
  if (p.properties !== undefined && p.properties !== null) object(p.properties, `${at}/properties`);
  const identified = ['email', 'phone_number', 'external_id', 'anonymous_id', '_kx'].some((k) => typeof p[k] === 'string' && p[k] !== '');
  if (!identified && typeof profile.id !== 'string') {
    throw new Invalid('One or more identifiers (id, email, phone_number, external_id, anonymous_id, _kx) are required.', `${at}`);
  }
  return a;
}

export async function startKlaviyoStandIn(options: { apiKeys: string[] }): Promise<KlaviyoStandIn> {
  const received: KlaviyoReceived[] = [];
  const events: KlaviyoStandIn['events'] = [];
  const rejected: KlaviyoStandIn['rejected'] = [];
  const script: KlaviyoFailure[] = [];
  const seen = new Set<string>();
  let steadyUsed = 0;

  const sendErrors = (res: ServerResponse, status: number, errors: JsonApiError[], headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/vnd.api+json', ...headers });
    res.end(JSON.stringify({ errors }));
  };
  const refuse = (res: ServerResponse, status: number, detail: string, source?: JsonApiError['source']) => {
    const errors = [jsonApiError(status, detail, source)];
    rejected.push({ status, errors });
    sendErrors(res, status, errors, rateLimitHeaders());
  };
  const rateLimitHeaders = () => ({
    'ratelimit-limit': '3500',
    'ratelimit-remaining': String(Math.max(0, 3500 - steadyUsed)),
    'ratelimit-reset': '60',
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      if (path !== '/api/events' && path !== '/api/events/') return refuse(res, 404, `Not found: ${path}`);
      if (req.method !== 'POST') return refuse(res, 405, `Method "${req.method}" not allowed.`);
      const auth = /^Klaviyo-API-Key (\S+)$/.exec(req.headers.authorization ?? '');
      if (!auth) return refuse(res, 401, 'Missing or invalid authorization scheme. Please use Klaviyo-API-Key.');
      if (!options.apiKeys.includes(auth[1]!)) return refuse(res, 401, 'Incorrect authentication credentials.');
      const revision = req.headers.revision;
      if (typeof revision !== 'string' || revision === '') {
        return refuse(res, 400, 'Missing revision header.', { parameter: 'revision' });
      }
      if (!KLAVIYO_REVISIONS.includes(revision)) {
        return refuse(res, 400, `Invalid revision: "${revision}". Use a valid revision in the format YYYY-MM-DD.`, { parameter: 'revision' });
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type !== 'application/vnd.api+json' && type !== 'application/json') {
        return refuse(res, 415, `Unsupported media type "${type}" in request.`);
      }
      const accept = req.headers.accept;
      if (accept && !/application\/vnd\.api\+json|application\/json|\*\/\*/.test(accept)) {
        return refuse(res, 406, `Could not satisfy the request Accept header: ${accept}.`);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return refuse(res, 400, 'JSON parse error.', { pointer: '/' });
      }
      let attributes: Record<string, unknown>;
      try {
        attributes = checkEventBody(body);
      } catch (error) {
        if (error instanceof Invalid) return refuse(res, 400, error.detail, { pointer: error.pointer });
        throw error;
      }
      const record = () => {
        const metric = (attributes.metric as any).data.attributes.name as string;
        const profile = (attributes.profile as any).data.attributes as Record<string, unknown>;
        const identity = profile.email ?? profile.phone_number ?? profile.external_id ?? profile.anonymous_id;
        const key = JSON.stringify([identity, metric, attributes.unique_id ?? attributes.time]);
        if (seen.has(key)) return;
        seen.add(key);
        events.push({ metric, profile, attributes });
      };
      const scripted = script.shift();
      if (scripted) {
        received.push({ path, headers: req.headers, body, status: scripted.status });
        if (scripted.processed) record();
        const detail =
          scripted.detail ??
          (scripted.status === 429 ? `Request was throttled. Expected available in ${scripted.retryAfter ?? 1} second${scripted.retryAfter === 1 ? '' : 's'}.` : 'Scripted failure.');
        // On a 429 Klaviyo sends Retry-After and leaves the RateLimit-* headers out.
        const headers = scripted.status === 429 ? { 'retry-after': String(scripted.retryAfter ?? 1) } : rateLimitHeaders();
        return sendErrors(res, scripted.status, [jsonApiError(scripted.status, detail, undefined, scripted.code)], headers);
      }
      steadyUsed++;
      received.push({ path, headers: req.headers, body, status: 202 });
      record();
      res.writeHead(202, rateLimitHeaders());
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
      seen.clear();
      steadyUsed = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
