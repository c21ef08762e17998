/**
 * Hostile requests against every operation of the OpenAPI document, on SQLite and PostgreSQL,
 * in process (`app.request`). Bodies start from the operation's documented schema (its example
 * where there is one, so the fuzzer gets past the first validation layer) and are then mutated:
 * wrong types, huge and deeply nested values, lone surrogates, `__proto__`/`constructor` keys,
 * SQL-like strings, template injection, bad content types and raw bytes; query parameters get bad,
 * missing, unknown and duplicated values; path ids are valid, foreign or malformed.
 *
 * Asserted: no 5xx ever; every 4xx is `{ error: { code, message, path?, details? } }`; afterwards
 * the server is healthy (`/health` 200, a normal event accepted and listed, listings 200).
 * Seeded and bounded, so a failure reproduces: rerun the file and read the listed requests.
 * Set FUZZ_DEBUG=1 to print the status classes each operation got.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createApiKey } from '../../src/store/repositories/workspaces.js';
import { createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

type Json = Record<string, any>;

/** Fixed for CI; set FUZZ_SEED (and FUZZ_RUNS) to explore further by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const START = new Date(T0 + 48 * 3_600_000).toISOString();

interface Operation {
  method: string;
  path: string;
  operation: Json;
}

interface Fixtures {
  ids: Record<string, string>;
  hints: Record<string, unknown>;
}

interface Plan {
  op: number;
  idMode: number;
  idText: string;
  queryMode: number;
  queryText: string;
  bodyMode: number;
  pick: number;
  hostile: unknown;
  keyName: string;
  contentMode: number;
}

const TEMPLATE_INJECTIONS = [
  '{{ 7 * 7 }}',
  '{{ secrets.API_KEY }}',
  '{% raw %}{{',
  '{% for i in (1..100000) %}x{% endfor %}',
  '{{ "a" | append: contact.email | upcase }}',
  '{% include "/etc/passwd" %}',
  '{{ constructor.constructor("return process")() }}',
  '{{',
  '{% if %}',
  '}}{%',
];
const SQL_LIKE = ["' OR '1'='1", "'; DROP TABLE events; --", '" OR ""="', '1; SELECT pg_sleep(5)', "\\'; --", '%', '_', '*'];
const ODD_STRINGS = ['', ' ', '9999999999d', 'P99999999999D', '9007199254740991ms', '\uD800', '\uDFFF', 'a\uD800b', '\uFEFF', '\u202E', '\u0000', 'null', 'undefined', 'NaN', '-1', '1e400', '0x10', '../..', '%00', '%ZZ', '💥'.repeat(50)];
const ODD_NUMBERS = [0, -0, -1, 1.5, 2 ** 31, 2e11, 2 ** 53 + 2, 1e300, -1e300, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE];
const EXTREME_TIMES = ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-02-30T10:00:00Z', '2026-12-01T10:00:00', '2026-12-01T10:00:00+99:00', '1970-01-01T00:00:00Z'];
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'a.b', '$where'];

const deepValue = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

const hostileArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, [], {}, ...ODD_NUMBERS, ...ODD_STRINGS, ...SQL_LIKE, ...TEMPLATE_INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(5, 50, 99, 150).map(deepValue),
  fc.constantFrom(1_000, 100_000, 900_000).map((n) => 'x'.repeat(n)),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 5 }),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...SPECIAL_KEYS)), fc.oneof(fc.string(), fc.integer()), { maxKeys: 4 }),
);

const planArbitrary: fc.Arbitrary<Plan> = fc.record({
  op: fc.nat(),
  idMode: fc.nat({ max: 9 }),
  idText: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...ODD_STRINGS, ...SQL_LIKE)),
  queryMode: fc.nat({ max: 9 }),
  queryText: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...ODD_STRINGS, ...SQL_LIKE, ...TEMPLATE_INJECTIONS)),
  bodyMode: fc.nat({ max: 13 }),
  pick: fc.nat(),
  hostile: hostileArbitrary,
  keyName: fc.oneof(fc.constantFrom(...SPECIAL_KEYS), fc.string({ maxLength: 10 })),
  contentMode: fc.nat({ max: 14 }),
});

/** A value matching a JSON Schema: its example if it has one, else the simplest valid-looking value. */
function sample(schema: Json | undefined, doc: Json, hints: Record<string, unknown>, depth = 0): unknown {
  if (!schema || depth > 8) return {};
  if (schema.$ref) return sample(doc.components.schemas[String(schema.$ref).split('/').pop()!], doc, hints, depth + 1);
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return sample(variants[0], doc, hints, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (type === 'object' || schema.properties) {
    const out: Json = {};
    const required = new Set<string>(schema.required ?? []);
    for (const [name, property] of Object.entries<Json>(schema.properties ?? {})) {
      if (name in hints) out[name] = structuredClone(hints[name]);
      else if (required.has(name)) out[name] = sample(property, doc, hints, depth + 1);
    }
    return out;
  }
  if (type === 'array') return [sample(schema.items, doc, hints, depth + 1)];
  if (type === 'string') return schema.format === 'date-time' ? START : schema.format === 'email' ? 'ada@example.com' : 'x';
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  return {};
}

/** Every path into a value, objects and arrays included (the root is `[]`). */
function pathsOf(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(prefix);
  if (prefix.length > 12 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

function setAt(root: unknown, path: Array<string | number>, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  let node = root as any;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

function mutateBody(valid: unknown, plan: Plan): unknown {
  const body = structuredClone(valid);
  const paths = pathsOf(body);
  const path = paths[plan.pick % paths.length]!;
  const objects = paths.filter((p) => {
    let node = body as any;
    for (const key of p) node = node[key];
    return node !== null && typeof node === 'object' && !Array.isArray(node);
  });
  switch (plan.bodyMode) {
    case 0:
    case 1:
      return body;
    case 2:
    case 3:
      return setAt(body, path, plan.hostile);
    case 4:
      return path.length ? setAt(body, path, undefined, true) : body;
    case 5: {
      const target = objects[plan.pick % Math.max(objects.length, 1)] ?? [];
      // A key named __proto__ set with defineProperty is an own field, as JSON.parse would make it.
      let node = body as any;
      for (const key of target) node = node[key];
      if (node && typeof node === 'object') Object.defineProperty(node, plan.keyName, { value: plan.hostile, enumerable: true, writable: true, configurable: true });
      return body;
    }
    case 6: {
      const injection = TEMPLATE_INJECTIONS[plan.pick % TEMPLATE_INJECTIONS.length]!;
      const strings = paths.filter((p) => typeof p.reduce<any>((n, k) => n?.[k], body) === 'string');
      const target = strings[plan.pick % Math.max(strings.length, 1)];
      return target ? setAt(body, target, `${String(target.reduce<any>((n, k) => n?.[k], body))}${injection}`) : body;
    }
    case 7: {
      const strings = paths.filter((p) => typeof p.reduce<any>((n, k) => n?.[k], body) === 'string');
      const target = strings[plan.pick % Math.max(strings.length, 1)];
      return target ? setAt(body, target, SQL_LIKE[plan.pick % SQL_LIKE.length]) : body;
    }
    case 8:
      return plan.hostile;
    case 9:
      return setAt(body, path, deepValue(90 + (plan.pick % 20)));
    case 10:
    case 11:
    case 12: {
      // Type-aware: a number becomes an extreme number, a time an extreme time, a string an odd one.
      const valueAt = (p: Array<string | number>) => p.reduce<any>((n, k) => n?.[k], body);
      const isTime = (v: unknown) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v);
      const wanted = [(v: unknown) => typeof v === 'number', isTime, (v: unknown) => typeof v !== 'object'][plan.bodyMode - 10]!;
      const leaves = paths.filter((p) => p.length > 0 && wanted(valueAt(p)));
      const target = leaves[plan.pick % Math.max(leaves.length, 1)];
      if (!target) return body;
      const current = target.reduce<any>((n, k) => n?.[k], body);
      const i = Math.floor(plan.pick / 7);
      if (typeof current === 'number') return setAt(body, target, ODD_NUMBERS[i % ODD_NUMBERS.length]);
      if (isTime(current)) return setAt(body, target, EXTREME_TIMES[i % EXTREME_TIMES.length]);
      return setAt(body, target, ODD_STRINGS[i % ODD_STRINGS.length]);
    }
    default:
      return body;
  }
}

/** The raw body and content type sent: JSON of the body, or something no JSON parser expects. */
function encodeBody(body: unknown, plan: Plan): { payload?: string | Uint8Array; type?: string } {
  const json = JSON.stringify(body) ?? 'null';
  switch (plan.contentMode) {
    case 0:
      return { payload: json.slice(0, Math.max(1, plan.pick % json.length)), type: 'application/json' };
    case 1:
      return { payload: json, type: 'text/plain' };
    case 2:
      return { payload: json, type: 'application/yaml' };
    case 3:
      return { payload: `a: &a [*a]\nname: x\n${'- '.repeat(plan.pick % 50)}x`, type: 'application/yaml' };
    case 4:
      return { payload: json, type: undefined };
    case 5:
      return { payload: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), type: 'application/json' };
    case 6:
      return { payload: '', type: 'application/json' };
    case 7:
      return { payload: json, type: 'multipart/form-data; boundary=x' };
    case 8:
      return { payload: json, type: 'application/json; charset=utf-16' };
    case 9:
      return { payload: `${json}${json}`, type: 'application/json' };
    default:
      return { payload: json, type: 'application/json' };
  }
}

function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

function pathFor(op: Operation, plan: Plan, fixtures: Fixtures): string {
  return op.path.replace(/\{([A-Za-z_]+)\}/g, () => {
    const valid = fixtures.ids[op.path] ?? 'x';
    switch (plan.idMode) {
      case 0:
        return encodeSegment(plan.idText) || 'x';
      case 1:
        return ['%ZZ', '%00', '%2F', '..', '%ED%A0%80', '%C0%AF', '%25'][plan.pick % 7]!;
      case 2:
        return 'a'.repeat(5_000);
      case 3:
        return encodeSegment(SQL_LIKE[plan.pick % SQL_LIKE.length]!);
      default:
        return encodeSegment(valid);
    }
  });
}

function queryFor(op: Operation, plan: Plan): string {
  const params: Json[] = (op.operation.parameters ?? []).filter((p: Json) => p.in === 'query');
  const pairs: string[] = [];
  const text = encodeSegment(plan.queryText);
  for (const [i, param] of params.entries()) {
    const schema = param.schema ?? {};
    const valid = schema.enum ? schema.enum[plan.pick % schema.enum.length] : schema.type === 'integer' ? schema.minimum ?? 1 : schema.type === 'boolean' ? 'false' : 'x';
    const name = encodeSegment(param.name);
    switch ((plan.queryMode + i) % 10) {
      case 0:
        pairs.push(`${name}=${text}`);
        break;
      case 1:
        pairs.push(`${name}=${encodeSegment(String(valid))}`, `${name}=${text}`);
        break;
      case 2:
        pairs.push(`${name}=%ZZ`);
        break;
      case 3:
        pairs.push(`${name}=${'9'.repeat(400)}`);
        break;
      case 4:
        pairs.push(`${name}`);
        break;
      case 5:
      case 6:
        pairs.push(`${name}=${encodeSegment(String(valid))}`);
        break;
      default:
        break;
    }
  }
  if (plan.queryMode === 9) pairs.push(`${text}=${text}`, '__proto__=1', 'constructor[prototype]=1');
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** What makes a response wrong, or undefined when it is acceptable. */
function problemWith(status: number, text: string): string | undefined {
  if (status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  if (status < 400) return undefined;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${status} without a JSON body: ${text.slice(0, 200)}`;
  }
  const error = body?.error;
  if (Object.keys(body ?? {}).join() !== 'error' || typeof error !== 'object' || error === null) return `status ${status}: not an error body: ${text.slice(0, 200)}`;
  if (typeof error.code !== 'string' || typeof error.message !== 'string' || error.message === '') return `status ${status}: code/message missing: ${text.slice(0, 200)}`;
  if (error.path !== undefined && typeof error.path !== 'string') return `status ${status}: path not a string`;
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'path', 'details'].includes(k));
  if (extra.length) return `status ${status}: unexpected error fields ${extra.join(', ')}`;
  return undefined;
}

async function createFixtures(h: Harness, doc: Json): Promise<Fixtures> {
  const post = async (path: string, body: unknown) => {
    const res = await h.api('POST', path, body);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body.data;
  };
  const reminder = structuredClone(doc.components.schemas.Flow.example);
  reminder.steps[2].webhook.url = 'http://127.0.0.1:9/hooks/{{ appointment.id }}';
  const flow = await post('/v1/flows?activate=true', reminder);
  await post('/v1/flows?activate=true', { name: 'Welcome', trigger: { event: 'signup' }, steps: [{ id: 'pause', wait: { duration: '1h' } }, { exit: null }] });
  const event = await post('/v1/events', { ...doc.components.schemas.Event.example, appointment: { ...doc.components.schemas.Event.example.appointment, start_at: START } });
  const signup = await post('/v1/events', { name: 'signup', contact: { email: 'fuzz@example.com' } });
  await h.api('PUT', '/v1/secrets/API_KEY', { value: 'secret-value' });
  // Archiving is final: it gets a flow of its own so the other operations keep a live one.
  const doomed = await post('/v1/flows', { ...reminder, name: 'To archive' });
  const sessions = await h.api('GET', '/v1/sessions');
  const session = sessions.body.data[0]?.id ?? 'se_none';
  const ids: Record<string, string> = {};
  for (const path of Object.keys(doc.paths)) {
    if (path.endsWith('/archive')) ids[path] = doomed.id;
    else if (path.startsWith('/v1/flows/')) ids[path] = flow.id;
    else if (path.startsWith('/v1/events/')) ids[path] = signup.event_id;
    else if (path.startsWith('/v1/contacts/')) ids[path] = event.contact_id;
    else if (path.startsWith('/v1/appointments/')) ids[path] = event.appointment_id;
    else if (path.startsWith('/v1/sessions/')) ids[path] = session;
    else if (path.startsWith('/v1/secrets/')) ids[path] = 'API_KEY';
    else if (path.startsWith('/v1/presets/')) ids[path] = 'thank-you-survey-email';
  }
  return { ids, hints: { step_id: 'remind', event: doc.components.schemas.Event.example, now: START, value: 'v', placeholders: {} } };
}

describe.each(testDialects())('API fuzz on %s', (dialect) => {
  let h: Harness;
  let doc: Json;

  beforeAll(async () => {
    h = await createHarness(dialect);
  });
  afterAll(async () => {
    await h.close();
  });

  it(`answers ${RUNS} hostile requests over every documented operation without a 5xx, then stays healthy`, async () => {
    const app = createApp(h.engine.ctx);
    doc = (await (await app.request('/v1/openapi.json')).json()) as Json;
    const operations: Operation[] = [];
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, operation] of Object.entries<Json>(item)) operations.push({ method: method.toUpperCase(), path, operation });
    }
    const documented = operations.length;
    expect(documented).toBeGreaterThan(30);
    // Operations with a body have far more to get wrong: give each of them four times the share.
    for (const op of [...operations]) if (op.operation.requestBody) operations.push(op, op, op);
    const statuses = new Map<string, number>();
    const fixtures = await createFixtures(h, doc);
    const problems: string[] = [];
    const covered = new Set<string>();
    let created = 0;

    await fc.assert(
      fc.asyncProperty(planArbitrary, async (plan) => {
        const op = operations[plan.op % operations.length]!;
        covered.add(`${op.method} ${op.path}`);
        const url = pathFor(op, plan, fixtures) + queryFor(op, plan);
        const headers: Record<string, string> = { authorization: `Bearer ${h.apiKey}` };
        const init: RequestInit = { method: op.method, headers };
        const bodySchema = op.operation.requestBody?.content?.['application/json']?.schema;
        if (bodySchema || (plan.bodyMode === 13 && op.method !== 'GET')) {
          const valid = sample(bodySchema ?? { type: 'object' }, doc, fixtures.hints) as Json;
          // Flow names are unique per workspace: a fresh name lets a mutated flow get past that check.
          if (bodySchema?.$ref?.endsWith('/Flow') && typeof valid.name === 'string') valid.name += ` ${++created}`;
          const { payload, type } = encodeBody(mutateBody(valid, plan), plan);
          if (payload !== undefined) init.body = payload;
          if (type) headers['content-type'] = type;
        }
        let status: number;
        let text: string;
        try {
          const res = await app.request(url, init);
          status = res.status;
          text = await res.text();
        } catch (error) {
          problems.push(`${op.method} ${url.slice(0, 200)}: threw ${(error as Error).message}`);
          return;
        }
        const key = `${op.method} ${op.path} ${Math.floor(status / 100)}xx`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const problem = problemWith(status, text);
        if (problem) {
          const sent = typeof init.body === 'string' ? init.body.slice(0, 300) : String(init.body);
          problems.push(`${op.method} ${url.slice(0, 200)} [${headers['content-type'] ?? 'no type'}] ${sent} → ${problem}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    if (process.env.FUZZ_DEBUG) console.log([...statuses].sort().join('\n'));
    expect(problems).toEqual([]);
    expect(covered.size).toBe(documented);
    // The fuzzer gets past validation: mutated events and flows are still accepted now and then.
    expect(statuses.get('POST /v1/events 2xx') ?? 0).toBeGreaterThan(5);
    expect(statuses.get('POST /v1/flows 2xx') ?? 0).toBeGreaterThan(5);
    expect(statuses.get('POST /v1/flows/{id}/dry-run 2xx') ?? 0).toBeGreaterThan(5);

    // Healthy afterwards, checked with a fresh key (a fuzzed request may have revoked the first).
    const { key } = await createApiKey(h.testStore.store.db, h.workspaceId, 'after-fuzz', T0);
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await app.request('/health')).status).toBe(200);
    const accepted = await call('POST', '/v1/events', { name: 'after.fuzz', contact: { email: 'after@example.com' } });
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    const eventId = ((await accepted.json()) as Json).data.event_id;
    const listed = (await (await call('GET', '/v1/events?name=after.fuzz')).json()) as Json;
    expect(listed.data.map((e: Json) => e.id)).toEqual([eventId]);
    for (const path of ['/v1/events', '/v1/contacts', '/v1/appointments', '/v1/sessions', '/v1/flows', '/v1/deliveries', '/v1/outbox', '/v1/secrets', '/v1/presets']) {
      const res = await call('GET', path);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    }
  }, 120_000);
});
