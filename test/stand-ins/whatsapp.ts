/**
 * A stand-in for the WhatsApp Cloud API's send-message endpoint that checks the documented wire
 * format for template messages: `POST /v{N.M}/{phone-number-id}/messages`, `Authorization: Bearer`,
 * a JSON body `{messaging_product: 'whatsapp', to, type: 'template', template: {name, language:
 * {code}, components?}}` with no unknown keys, text parameters non-empty and free of new lines,
 * tabs and runs of 5+ spaces, and as many (or the same named) parameters as the template declares.
 * It answers 200 `{messaging_product, contacts, messages: [{id: 'wamid…'}]}`; anything else gets
 * the Graph error envelope `{error: {message, type, code, error_data, fbtrace_id}}`. Scripted
 * failures answer the same way, or hang up without answering.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** An approved template: its languages and its variables (a count for {{1}}…, or names). */
export interface WhatsAppTemplate {
  name: string;
  languages: string[];
  header?: number | string[];
  body?: number | string[];
}

export interface WhatsAppMessage {
  version: string;
  phoneNumberId: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
  id: string;
  at: number;
}

export interface GraphFailure {
  status: number;
  code: number;
  message: string;
  type?: string;
  details?: string;
}

export interface WhatsAppStandIn {
  /** Base URL for NUDGE_CHANNEL_ENDPOINTS (`whatsapp=<url>`). */
  url: string;
  accessToken: string;
  phoneNumberId: string;
  messages: WhatsAppMessage[];
  rejected: Array<{ status: number; code: number; message: string; details?: string }>;
  failNext(...failures: GraphFailure[]): void;
  hangUpNext(): void;
  reset(): void;
  close(): Promise<void>;
}

const TOP_LEVEL = new Set(['messaging_product', 'recipient_type', 'to', 'type', 'template', 'context', 'biz_opaque_callback_data']);
const TEMPLATE_KEYS = new Set(['name', 'language', 'components', 'namespace']);
const LANGUAGE_KEYS = new Set(['code', 'policy']);
const COMPONENT_TYPES = new Set(['header', 'body', 'button']);

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details?: string,
    readonly type = 'OAuthException',
  ) {
    super(message);
  }
}

export async function startWhatsAppStandIn(templates: WhatsAppTemplate[]): Promise<WhatsAppStandIn> {
  const accessToken = 'EAAG-whatsapp-system-user-token-0123456789';
  const phoneNumberId = '106540352242922';
  const messages: WhatsAppMessage[] = [];
  const rejected: WhatsAppStandIn['rejected'] = [];
  const script: Array<GraphFailure | 'hang-up'> = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const path = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(req.url ?? '');
        if (!path || path[2] !== phoneNumberId || req.method !== 'POST') {
          const object = path?.[2] ?? req.url ?? '';
          throw new GraphError(
            400,
            100,
            `Unsupported ${(req.method ?? 'get').toLowerCase()} request. Object with ID '${object}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
            undefined,
            'GraphMethodException',
          );
        }
        if (req.headers.authorization !== `Bearer ${accessToken}`) throw new GraphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          throw new GraphError(400, 100, '(#100) The parameter messaging_product is required.');
        }
        let body: Record<string, any>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
        } catch {
          throw new GraphError(400, 100, '(#100) Invalid parameter', 'the request body is not valid JSON');
        }
        checkMessage(body, templates);

        const scripted = script.shift();
        if (scripted === 'hang-up') {
          req.socket.destroy();
          return;
        }
        if (scripted) return graphError(res, new GraphError(scripted.status, scripted.code, scripted.message, scripted.details, scripted.type));

        const id = `wamid.${randomBytes(24).toString('base64url')}`;
        messages.push({ version: path[1]!, phoneNumberId: path[2]!, headers: req.headers, body, id, at: Date.now() });
        res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            contacts: [{ input: body.to, wa_id: String(body.to).replace(/^\+/, '') }],
            messages: [{ id, message_status: 'accepted' }],
          }),
        );
      } catch (error) {
        if (!(error instanceof GraphError)) throw error;
        rejected.push({ status: error.status, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
        graphError(res, error);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    phoneNumberId,
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

function checkMessage(body: Record<string, any>, templates: WhatsAppTemplate[]): void {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new GraphError(400, 100, '(#100) Invalid parameter');
  unexpectedKeys(body, TOP_LEVEL, null);
  if (body.messaging_product !== 'whatsapp') throw new GraphError(400, 100, '(#100) The parameter messaging_product is required.');
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw new GraphError(400, 100, '(#100) Invalid parameter', 'recipient_type must be individual');
  }
  if (body.to === undefined || body.to === '') throw new GraphError(400, 100, '(#100) The parameter to is required.');
  if (typeof body.to !== 'string' || !/^\+?\d{6,15}$/.test(body.to)) throw new GraphError(400, 100, '(#100) Invalid parameter', 'to must be a phone number with country code');
  if (body.type !== 'template') throw new GraphError(400, 100, '(#100) Invalid parameter', 'this stand-in accepts template messages only');
  const t = body.template as Record<string, any> | undefined;
  if (!t || typeof t !== 'object') throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'template');
  unexpectedKeys(t, TEMPLATE_KEYS, 'template');
  if (typeof t.name !== 'string' || t.name === '') throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'template.name');
  if (!t.language || typeof t.language !== 'object') throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'template.language');
  unexpectedKeys(t.language, LANGUAGE_KEYS, 'language');
  if (typeof t.language.code !== 'string' || t.language.code === '') throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'template.language.code');
  if (t.language.policy !== undefined && t.language.policy !== 'deterministic') throw new GraphError(400, 100, '(#100) Invalid parameter', 'language.policy must be deterministic');
  const known = templates.find((x) => x.name === t.name);
  if (!known || !known.languages.includes(t.language.code)) {
    throw new GraphError(400, 132001, '(#132001) Template name does not exist in the translation', `template name (${t.name}) does not exist in ${t.language.code}`);
  }
  const given: Record<string, Array<Record<string, any>>> = { header: [], body: [] };
  if (t.components !== undefined) {
    if (!Array.isArray(t.components)) throw new GraphError(400, 100, '(#100) Invalid parameter', 'components must be an array');
    for (const c of t.components as Array<Record<string, any>>) {
      if (!c || typeof c !== 'object' || !COMPONENT_TYPES.has(c.type)) throw new GraphError(400, 100, '(#100) Invalid parameter', 'component type must be header, body or button');
      if (!Array.isArray(c.parameters)) throw new GraphError(400, 131008, '(#131008) Required parameter is missing', `${c.type}.parameters`);
      for (const p of c.parameters as Array<Record<string, any>>) checkParameter(p);
      if (c.type !== 'button') given[c.type] = c.parameters as Array<Record<string, any>>;
    }
  }
  for (const part of ['header', 'body'] as const) {
    const expected = known[part] ?? 0;
    const params = given[part]!;
    const count = typeof expected === 'number' ? expected : expected.length;
    if (params.length !== count) {
      throw new GraphError(
        400,
        132000,
        '(#132000) Number of parameters does not match the expected number of params',
        `${part}: number of localizable_params (${params.length}) does not match the expected number of params (${count})`,
      );
    }
    if (Array.isArray(expected)) {
      const names = params.map((p) => p.parameter_name);
      if (names.some((n, i) => n !== expected[i])) {
        throw new GraphError(400, 132000, '(#132000) Number of parameters does not match the expected number of params', `${part}: expected named parameters ${expected.join(', ')}`);
      }
    } else if (params.some((p) => p.parameter_name !== undefined)) {
      throw new GraphError(400, 100, '(#100) Invalid parameter', `${part}: this template has positional parameters`);
    }
  }
}

function checkParameter(p: Record<string, any>): void {
  if (!p || typeof p !== 'object' || p.type !== 'text') throw new GraphError(400, 100, '(#100) Invalid parameter', 'parameter type must be text');
  unexpectedKeys(p, new Set(['type', 'text', 'parameter_name']), 'parameter');
  if (typeof p.text !== 'string' || p.text === '') throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'Parameter of type text is missing text value');
  if (/[\n\t]| {5,}/.test(p.text)) {
    throw new GraphError(400, 132018, '(#132018) There was an issue with the parameters in your template.', 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces');
  }
}

function unexpectedKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, param: string | null): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw new GraphError(400, 100, `(#100) Unexpected key "${key}" on param${param ? ` "${param}"` : ''}.`);
  }
}

function graphError(res: ServerResponse, e: GraphError): void {
  res.writeHead(e.status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(
    JSON.stringify({
      error: {
        message: e.message,
        type: e.type,
        code: e.code,
        ...(e.details ? { error_data: { messaging_product: 'whatsapp', details: e.details } } : {}),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    }),
  );
}
